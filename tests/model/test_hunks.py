"""What a model is shown of a change (checker/hunks.py): cut per file, the cut stated."""

from __future__ import annotations

from checker.model import hunks, verify
from checker.rules.plan import Plan, Slice
from checker.rules.ruleset import Part
from checker.rules.scope import ScopeResult, Touched
from tests.conftest import Repo
from tests.fake_api import data_blocks
from tests.model.test_verify import commit_change

TABLES = "plans/awards.yaml#tables"


def test_large_diff_is_cut_per_file_and_the_cut_is_stated(awards: Repo) -> None:
    big = "".join(f"line {i}: {'x' * 60}\n" for i in range(400))
    commit_change(awards, {"docs/café notes.md": "small change\n", "src/big.py": big})
    head = awards.git("rev-parse", "HEAD").strip()
    drifted = [Touched("docs/café notes.md", "A"), Touched("src/big.py", "A")]
    files = hunks.collect(awards.path, (f"{head}~1", head), False, drifted, (), 3000)
    small, cut = files
    assert small.text is not None and "+small change" in small.text and small.cut == ""
    assert cut.text is not None and cut.total_bytes > 20_000
    assert small.shown_bytes + cut.shown_bytes <= 3000
    assert cut.cut.startswith(f"cut to fit verify.max_diff_bytes: {cut.shown_bytes} of "
                              f"{cut.total_bytes} bytes shown")
    plan = Plan("plans/p.yaml", "p", "P", "approved", (Slice("s", "S", "approved"),))
    scope = ScopeResult(tuple(drifted), (), tuple(drifted), (), ())
    built = verify.build_prompt([Part(plan, plan.slices)], scope, files, 3000)
    assert "Cut to fit 3000 bytes: 1 of 2 file(s) are shown in part" in built.user
    _, blocks, _ = data_blocks(built.user)
    assert any(label.startswith('diff "src/big.py" (A) [cut to fit') for label in blocks)


def test_cuts_fall_between_hunks_and_say_how_many_were_left_out(awards: Repo) -> None:
    lines = [f"line {i}: {'y' * 50}\n" for i in range(200)]
    awards.write("src/many.py", "".join(lines))
    awards.commit("base", plan="none")
    for i in range(0, 200, 40):  # five hunks, far apart
        lines[i] = f"changed {i}\n"
    awards.write("src/many.py", "".join(lines))
    awards.commit("five hunks", plan=TABLES)
    head = awards.head()
    (whole,) = hunks.collect(awards.path, (f"{head}~1", head), False,
                             [Touched("src/many.py", "M")], (), 100_000)
    assert whole.text is not None and whole.text.count("\n@@ ") == 5
    (cut,) = hunks.collect(awards.path, (f"{head}~1", head), False,
                           [Touched("src/many.py", "M")], (), whole.total_bytes * 2 // 5 + 100)
    assert cut.text is not None and whole.text.startswith(cut.text)
    kept = cut.text.count("\n@@ ")
    assert 0 < kept < 5
    assert whole.text[len(cut.text):].startswith("@@ ")  # cut right before a hunk
    assert cut.cut.endswith(f"; {kept} of 5 hunks shown, {5 - kept} left out")
    (first,) = hunks.collect(awards.path, (f"{head}~1", head), False,
                             [Touched("src/many.py", "M")], (), 250)
    assert first.text is not None
    assert first.cut.endswith("0 of 5 hunks shown whole: the first hunk cut after "
                              f"{first.text.count(chr(10)) - 4} of 6 lines, 4 more left out")
