"""What a plan reviewer is asked, and how its reply is read (checker/plan_prompt.py)."""

from __future__ import annotations

import pytest

from checker.errors import VerifyUnavailable
from checker.model import plan_prompt
from checker.rules import plan
from tests.conftest import Repo
from tests.fake_api import data_blocks


def test_the_file_list_fits_its_budget() -> None:
    listing, listed = plan_prompt.file_list({"b", "a", "c"}, budget=9)
    assert (listing, listed) == ('"a"\n"b"\n', 2)


def test_files_to_modify_secret_binary_folder_and_text(awards: Repo) -> None:
    awards.write("app/models/__init__.py", "class Award: ...\n")
    awards.write(".env", "SECRET=1\n")
    awards.write("logo.bin", b"\x00\x01")
    awards.commit("files", plan="none")
    text = (awards.path / "plans/awards.yaml").read_text().replace(
        "modify: [app/models/__init__.py, app/auth/session.py]",
        "modify: [app/models/__init__.py, .env, logo.bin, app]")
    awards.write("plans/awards.yaml", text)
    loaded = plan.load(awards.path, "plans/awards.yaml")
    files = plan_prompt.modify_files(awards.path, loaded, "HEAD", (".env*",), 10_000)
    why = {f.path: (f.text, f.why) for f in files}
    assert why["app/models/__init__.py"] == ("class Award: ...\n", "")
    assert why[".env"][1].startswith("secret path")
    assert why["logo.bin"] == (None, "binary file: content not sent")
    assert why["app"][1].startswith("a folder")
    built = plan_prompt.build_prompt(loaded, '"a"\n', 1, 1, files, 10_000)
    _, blocks, _ = data_blocks(built.user)
    assert 'file "app/models/__init__.py"' in blocks  # whole files: no status letter
    assert "(M)" not in blocks["content-not-shown"]


@pytest.mark.parametrize(("reply", "said"), [
    (None, "expected an object"),
    ({"confidence": -1, "ready": True}, "'confidence' is not a number"),
    ({"confidence": 0.5, "ready": "no"}, "'ready' is not true or false"),
])
def test_unusable_replies(reply: object, said: str) -> None:
    with pytest.raises(VerifyUnavailable, match=said):
        plan_prompt.parse_reply(reply, "m")
    good = plan_prompt.parse_reply({"confidence": 0.5, "ready": False, "gaps": ["x", 1]}, "m")
    assert good == {"confidence": 0.5, "ready": False, "gaps": ["x"], "wrong_assumptions": [],
                    "blockers": []}
