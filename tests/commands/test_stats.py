"""`planscope stats` (checker/stats.py, checker/commands/stats.py): scope discipline over a
real history, counted exactly."""

from __future__ import annotations

import csv
import io
import json

import pytest

from checker.agents import executors
from tests.conftest import AWARDS_PLAN, Repo

TABLES, VIEWS = "plans/awards.yaml#tables", "plans/awards.yaml#views"
BILLING = ("version: 1\nid: billing\ntitle: Billing\nstatus: approved\nslices:\n"
           "  - {id: invoices, title: Invoices, files: {create: [billing/invoice.py]}}\n")
SEARCH = ("version: 1\nid: search\ntitle: Search\nstatus: approved\nslices:\n"
          "  - {id: index, title: Index, files: {create: [search/index.py]}}\n"
          "  - {id: ui, title: UI, files: {create: [search/ui.py]}}\n")


def _commit(repo: Repo, files: dict[str, str], message: str, *trailers: str,
            author: str = "Ann <ann@example.com>") -> str:
    for path, text in files.items():
        repo.write(path, text)
    repo.git("add", "-A")
    body = "\n".join(trailers)
    repo.git("commit", "-q", "--no-verify", f"--author={author}", "-m", message,
             *(["-m", body] if body else []))
    return repo.head()


@pytest.fixture
def history(awards: Repo) -> Repo:
    """Three plans, two executors (a trailer, a Co-authored-by), drift, an incidental
    verdict, forbidden, a rename, a commit with no claim, a plan widened after its first
    claimed commit, and a merge. The verification pass is on (an incidental verdict is
    taken as the check takes it only where the rules ask a model)."""
    awards.write(".planscope.yaml", "on_drift: verify\n")
    awards.git("commit", "-q", "--amend", "--no-edit", "-a")  # in the first commit
    _commit(awards, {"db/migrations/0042_awards.sql": "t\n", "README.md": "drift\n"},
            "tables", f"Plan: {TABLES}", "Executor: codex")
    sha = _commit(awards, {"app/models/__init__.py": "m\n", "app/registry.py": "REG = 1\n"},
                  "models", f"Plan: {TABLES}",
                  "Co-authored-by: Claude <noreply@anthropic.com>")
    log = awards.path / ".git/planscope/verdicts.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(json.dumps({"plan": "plans/awards.yaml", "diff": f"{sha}~1..{sha}",
                               "verdicts": [{"path": "app/registry.py",
                                             "verdict": "incidental"}]}) + "\n")
    _commit(awards, {"plans/billing.yaml": BILLING, "plans/search.yaml": SEARCH},
            "two more plans", "Plan: none")
    _commit(awards, {"billing/invoice.py": "i\n"}, "invoice", "Plan: plans/billing.yaml")
    _commit(awards, {"search/index.py": "s\n", "docs/search.md": "d\n"}, "index",
            "Plan: plans/search.yaml#index")
    _commit(awards, {"notes.txt": "n\n"}, "a note", author="Bob <bob@example.com>")
    _commit(awards, {"plans/awards.yaml": AWARDS_PLAN.replace(
        "      create: [app/views/awards.py]",
        "      create: [app/views/awards.py, app/views/extra.py]")},
        "widen views", "Plan: none")
    awards.git("checkout", "-q", "-b", "side")
    _commit(awards, {"app/views/awards.py": "v\n", "app/views/extra.py": "x\n",
                     "app/auth/session.py": "no\n"}, "views", f"Plan: {VIEWS}",
            "Executor: codex")
    awards.git("checkout", "-q", "main")
    awards.git("mv", "app/models/__init__.py", "app/models/base.py")
    _commit(awards, {}, "rename models", f"Plan: {TABLES}", "Executor: codex")
    awards.git("merge", "-q", "--no-ff", "--no-edit", "side")
    return awards


def _stats(repo: Repo, *args: str) -> dict[str, dict[str, object]]:
    run = repo.planscope("stats", "--format", "json", *args)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    return {g["key"]: g for g in [*doc["groups"], doc["total"]]}


def _counts(group: dict[str, object]) -> tuple[object, ...]:
    return tuple(group[k] for k in ("commits", "changed", "in_scope", "drift", "forbidden",
                                    "incidental", "unclaimed", "plan_edits_after_claim"))


def test_by_executor(history: Repo) -> None:
    got = _stats(history, "--by", "executor")
    # codex: tables (2 paths: 1 in, 1 drift), views (3: 2 in, 1 forbidden), rename (2: the
    # old name in scope, the new one drift)
    assert _counts(got["codex"]) == (3, 7, 4, 2, 1, 0, 0, 0)
    # claude-code: models (2 paths: 1 in, 1 judged incidental)
    assert _counts(got["claude-code"]) == (1, 2, 1, 0, 0, 1, 0, 0)
    # unknown: Initial (Plan: none, 6 files), the two plans added (Plan: none, before any
    # claim of them), invoice (1 in scope), index (1 in, 1 drift), the note (no claim), the
    # plan edit (after tables' first claimed commit: widened), the merge (nothing of its own,
    # so not unclaimed: the check passes it)
    assert _counts(got["unknown"]) == (7, 13, 2, 1, 0, 0, 1, 1)
    assert got["codex"]["rates"] == {"in_scope": round(4 / 7, 4), "drift": round(2 / 7, 4),
                                     "forbidden": round(1 / 7, 4), "incidental": 0.0}


def test_by_plan_and_slice(history: Repo) -> None:
    got = _stats(history, "--by", "plan")
    assert _counts(got["plans/awards.yaml"]) == (4, 9, 5, 2, 1, 1, 0, 1)
    assert _counts(got["plans/billing.yaml"]) == (1, 1, 1, 0, 0, 0, 0, 0)
    assert _counts(got["plans/search.yaml"]) == (1, 2, 1, 1, 0, 0, 0, 0)
    assert _counts(got["(no claim)"]) == (2, 1, 0, 0, 0, 0, 1, 0)  # the note; the merge
    assert _counts(got["(Plan: none)"]) == (1, 6, 0, 0, 0, 0, 0, 0)  # the first commit
    assert _counts(got["(rules change)"]) == (2, 3, 0, 0, 0, 0, 0, 0)  # plans added, widened
    assert _counts(got["total"]) == (11, 22, 7, 3, 1, 1, 1, 1)
    slices = _stats(history, "--by", "slice")
    assert _counts(slices["plans/awards.yaml#views"]) == (1, 3, 2, 0, 1, 0, 0, 0)
    assert slices["plans/awards.yaml#(plan file)"]["plan_edits_after_claim"] == 1
    assert _counts(slices["plans/search.yaml#ui"]) == (0, 0, 0, 0, 0, 0, 0, 0)  # no work yet


def test_by_author_week_csv_and_text(history: Repo) -> None:
    authors = _stats(history, "--by", "author")
    assert authors["Bob"]["commits"] == 1 and authors["Ann"]["commits"] == 8
    weeks = _stats(history, "--by", "week")
    assert sum(int(str(g["commits"])) for k, g in weeks.items() if k != "total") == 11
    rows = list(csv.reader(io.StringIO(history.planscope(
        "stats", "--by", "executor", "--format", "csv").out)))
    assert rows[0][:3] == ["executor", "commits", "changed"]
    assert rows[-1][:3] == ["total", "11", "22"]
    text = history.planscope("stats", "--by", "executor").out.splitlines()
    assert text[0].split()[:3] == ["executor", "commits", "changed"]
    assert text[-1].split()[:3] == ["total", "11", "22"]


def test_range_plan_filter_and_baseline(history: Repo) -> None:
    assert _counts(_stats(history, "--range", "HEAD~2..HEAD~1", "--by", "plan")["total"])[:2] \
        == (1, 2)
    only = _stats(history, "--plan", "plans/awards.yaml", "--by", "executor")
    assert "unknown" in only and _counts(only["total"])[0] == 4
    history.write(".planscope.yaml", f"on_drift: block\nbaseline: "
                  f"{history.git('rev-parse', 'HEAD~3').strip()}\n")
    assert _counts(_stats(history)["total"])[0] == 4  # three after it, and the merge's side


def test_executor_table() -> None:
    assert executors.executor(["codex"], ["Claude <noreply@anthropic.com>"]) == "codex"
    assert executors.executor([], ["GitHub Copilot <copilot@github.com>"]) == "copilot"
    assert executors.executor([], ["Dana <dana@example.com>"]) == "unknown"
    assert executors.executor([], ["Bot <bot@acme.dev>"], [("acme.dev", "acme-agent")]) == \
        "acme-agent"


def test_html_report_is_well_formed_with_one_bar_per_executor(history: Repo) -> None:
    import xml.etree.ElementTree as ET

    out = history.path.parent / "report.html"
    run = history.planscope("stats", "--html", str(out))
    assert run.code == 0 and run.err == f"planscope: wrote {out} (11 commits)\n"
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>\n") and "<script" not in text
    assert "http://" not in text.replace("http://www.w3.org/", "")  # nothing fetched
    root = ET.fromstring(text.split("\n", 1)[1])
    svg = "{http://www.w3.org/2000/svg}"
    charts = root.findall(f".//{svg}svg")
    assert len(charts) == 3  # per week (a line), per executor and per plan (bars)
    bars = charts[1].findall(f"{svg}rect")
    labels = [t.text for t in charts[1].findall(f"{svg}text")]
    assert len(bars) == 3 and {"claude-code", "codex", "unknown"} <= set(labels)
    codex = next(b for b in bars if (b.findtext(f"{svg}title") or "").startswith("codex"))
    assert float(codex.get("width", "0")) == pytest.approx(360 * 3 / 7, abs=0.1)
    assert oct(out.stat().st_mode & 0o777) == "0o644"  # a report to share
    assert "README.md" in text  # among the paths that drifted most


def test_html_report_folders_and_a_place_it_cannot_be_written(history: Repo) -> None:
    nested = history.path.parent / "new/dir/r.html"
    assert history.planscope("stats", "--html", str(nested)).code == 0 and nested.is_file()
    run = history.planscope("stats", "--html", "/proc/r.html")
    assert run.code == 2 and "cannot write the report" in run.err


def test_format_github_writes_the_table_to_the_summary(history: Repo) -> None:
    summary = history.path.parent / "summary.md"
    run = history.planscope("stats", "--by", "executor", "--format", "github",
                            env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 0 and run.out.splitlines()[0].split()[:2] == ["executor", "commits"]
    text = summary.read_text()
    assert text.startswith("## planscope stats by executor\n")
    assert "**Scope discipline on this branch:** 11 commits, 22 paths changed" in text
    assert "| codex | 3 | 7 | 4 | 2 | 1 | 0 | 0 | 0 | 0 |" in text.splitlines()


def test_planscope_run_names_the_executor_in_a_trailer(awards: Repo) -> None:
    message = awards.path.parent / "MSG"
    message.write_text("Add the table\n\nPlan: plans/awards.yaml#tables\n")
    awards.write("db/migrations/0042_awards.sql", "t\n")
    awards.git("add", "-A")
    run = awards.planscope("hook", "commit-msg", str(message),
                           env={"PLANSCOPE_EXECUTOR": "codex"})
    assert run.code == 0, run.err
    assert message.read_text() == ("Add the table\n\nPlan: plans/awards.yaml#tables\n"
                                   "Executor: codex\n")
    message.write_text("Add the table\n\nPlan: plans/awards.yaml#tables\nExecutor: human\n")
    awards.planscope("hook", "commit-msg", str(message), env={"PLANSCOPE_EXECUTOR": "codex"})
    assert message.read_text().endswith("Executor: human\n")  # one is kept, not added to
    assert executors.named_by(["/usr/local/bin/claude", "-p", "x"]) == "claude-code"
    assert executors.named_by(["./my-agent.sh"]) == "my-agent.sh"


def test_config_names_win_and_authors_count(history: Repo) -> None:
    assert executors.executor([], ["Claude <noreply@anthropic.com>"],
                              [("noreply@anthropic.com", "claude-internal")]) == "claude-internal"
    assert executors.executor([], [], (), "pre-commit-ci[bot] <66853113+pre-commit-ci@x.y>") == \
        "unknown"
    assert executors.executor([], [], [("pre-commit-ci", "pre-commit-ci")],
                              "pre-commit-ci[bot] <66853113+pre-commit-ci@x.y>") == "pre-commit-ci"
    history.write(".planscope.yaml", "on_drift: block\nstats:\n  executors:\n"
                  "    bob@example.com: bob-bot\n")
    got = _stats(history, "--by", "executor")
    assert got["bob-bot"]["commits"] == 1 and got["unknown"]["commits"] == 6


def test_slices_with_no_work_show_and_unclaimed_rows_have_no_rate(history: Repo) -> None:
    history.write("plans/later.yaml", "version: 1\nid: later\ntitle: Later\nstatus: approved\n"
                  "slices:\n  - {id: one, title: One, files: {create: [later.py]}}\n")
    got = _stats(history, "--by", "slice")
    assert _counts(got["plans/later.yaml#one"]) == (0, 0, 0, 0, 0, 0, 0, 0)
    text = history.planscope("stats", "--by", "plan").out.splitlines()
    assert next(line for line in text if line.startswith("(no claim)")).endswith(" -")


def test_guard_refusals_count_within_the_range(awards: Repo) -> None:
    """A refusal counts when it falls between the range's oldest and newest commit, or after
    it when the range reaches HEAD (work in progress), never before."""
    def at(day: int) -> str:
        return f"2026-11-{day:02d}T12:00:00+00:00"

    for day, name in ((10, "first"), (12, "second"), (14, "third")):
        awards.write(f"src/{name}.py")
        awards.git("add", "-A")
        awards.git("commit", "-q", f"--date={at(day)}", "-m", name, "-m", "Plan: none")
    log = awards.path / ".git/planscope/guard.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("".join(json.dumps({"at": at(day), "tool": "Write", "paths": ["x"],
                                       "slice": TABLES, "reason": "outside"}) + "\n"
                           for day in (1, 11, 13, 20)))
    first = awards.git("rev-list", "--max-parents=0", "HEAD").strip()
    total = json.loads(awards.planscope("stats", "--format", "json").out)["total"]
    assert total["guard_refusals"] == 3  # from the oldest commit on; reaching HEAD: on to now
    ranged = json.loads(awards.planscope("stats", "--range", f"{first}..HEAD~1",
                                         "--format", "json").out)["total"]
    assert ranged["guard_refusals"] == 1  # day 11 only: between 'first' and 'second'


def test_a_repository_with_no_commits_says_so(repo: Repo) -> None:
    r = repo.planscope("stats")
    assert r.code == 2 and r.err == ("planscope: error: no commits yet: stats counts commits; "
                                     "make the first one\n"), r.err
