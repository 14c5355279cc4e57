"""A branch result as rows per slice and path (checker/render/sections.py)."""

from __future__ import annotations

from checker import event
from checker.judge import pull_request
from checker.judge.changes import Target
from checker.judge.pipeline import Options
from checker.render import sections
from tests.conftest import TABLES, Repo


def test_rows_merge_over_commits_and_keep_the_worst_verdict(awards: Repo) -> None:
    base = awards.head()
    awards.git("checkout", "-q", "-b", "feature")
    awards.write("app/views/home.py", "1\n")
    awards.write("db/migrations/0042_awards.sql", "t\n")
    awards.commit("one", plan=TABLES)
    awards.write("app/views/home.py", "2\n")
    awards.write("app/auth/session.py", "changed\n")
    awards.commit("two", plan=TABLES)
    out = pull_request.judge(awards.path, Target("base", base), Options(), event.Event())
    (sec,) = sections.sections(out)
    assert sec.ref == TABLES and sec.plan == "plans/awards.yaml"
    assert sec.title == "Community awards dashboard: New database tables"
    rows = sec.rows
    assert rows["app/views/home.py"].verdict == "drift" and rows["app/views/home.py"].blocking
    assert len(rows["app/views/home.py"].commits) == 2
    forbidden = rows["app/auth/session.py"]
    assert forbidden.verdict == "forbidden"
    assert forbidden.detail == "forbidden by 'app/auth/**' (forbid of plans/awards.yaml)"
    assert rows["db/migrations/0042_awards.sql"].verdict == "in scope"
    assert "db/migrations/0042_awards.sql" not in (sec.untouched or [])
    assert sections.claimed_by(["'Plan:' trailer of commit a", "'Plan:' trailer of commit b"]) \
        == "the 'Plan:' trailers of commits a, b"
    assert sections.claimed_by(["branch x"]) == "branch x"
