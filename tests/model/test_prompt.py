"""The one prompt builder (checker/model/prompt.py): data blocks under one request id."""

from __future__ import annotations

from checker.model import prompt
from checker.model.hunks import FileDiff
from tests.fake_api import data_blocks

TOOL = {"name": "t", "description": "d", "input_schema": {"type": "object"}, "strict": True}


def test_blocks_files_and_the_withheld_list_share_one_id() -> None:
    files = [FileDiff("a.py", "M", "+x", cut="cut to fit"), FileDiff("s.env", "A", None, "secret")]
    built = prompt.build("system", TOOL, "Do the task.", [prompt.Block("one", "The one:", "1\n")],
                         prompt.Files(files, "diff", "Diffs below.", when_cut="Say so.",
                                      budget=10), 99)
    rid, blocks, outside = data_blocks(built.user)
    assert built.request_id == rid and built.user.startswith(f"Request {rid}. Do the task.")
    assert blocks == {"one": "1\n", "content-not-shown": '"s.env" (A): secret\n',
                      'diff "a.py" (M) [cut to fit]': "+x\n"}
    assert "Cut to fit 10 bytes: 1 of 1 file(s) are shown in part" in outside
    assert "Say so." in outside and "The one:" in outside
    assert built.reply_tokens == 99 and built.tool_name == "t"


def test_the_id_follows_the_content_and_none_text_is_said() -> None:
    def build(text: str) -> prompt.Prompt:
        return prompt.build("s", TOOL, "T.", [prompt.Block("b", "B:", text)],
                            prompt.Files([], "diff", "", when_none="Nothing to show."), 1)

    assert build("x").request_id == build("x").request_id != build("y").request_id
    assert build("x").user.endswith("\nNothing to show.\n")
    assert prompt.quoted('a"\nb') == '"a\\"\\nb"'


def test_the_command_request_header() -> None:
    built = prompt.build("s", TOOL, "T.", [], prompt.Files([], "diff", ""), 1)
    request = prompt.command_request(built, "verify", "2", "m", "a reply", extra=1)
    assert request["planscope_request"] == 1 and request["kind"] == "verify"
    assert request["tool"] == {"name": "t", "description": "d", "input_schema": {"type": "object"}}
    assert request["extra"] == 1 and request["prompt"] == built.user
    assert prompt.files_json([FileDiff("a", "M", None, "why")], "content") == [
        {"path": "a", "status": "M", "content": None, "not_shown": "why", "cut": None}]
