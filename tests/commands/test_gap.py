"""``planscope gap`` (checker/commands/gap.py): the executor records where the plan is wrong
or silent, under the slice; status, pr-body, the brief and the checks of the slice show it,
the plan change is a rules change, and ``run --stop-on gap`` stops the executor."""

from __future__ import annotations

import json
import sys

import yaml

from checker.render.markdown import md_text
from tests.commands.test_run import run, script
from tests.conftest import Repo

TABLES = "plans/awards.yaml#tables"
ASKED = "Which table holds member ids? app/models/member.py has no id column"


def test_a_gap_is_recorded_and_shown_everywhere(awards: Repo) -> None:
    r = awards.planscope("gap", TABLES, ASKED)
    assert r.code == 0 and f"recorded an open gap under {TABLES}: {ASKED}" in r.out, r.err
    text = (awards.path / "plans/awards.yaml").read_text()
    assert text.startswith("# yaml-language-server")  # edited in place, not dumped
    (gap,) = yaml.safe_load(text)["slices"][0]["gaps"]
    assert gap["text"] == ASKED and gap["status"] == "open" and gap["time"]
    awards.commit("the gap", "plans/awards.yaml")  # no trailer: a rules change
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and "a rules change" in r.out and "plans/awards.yaml" in r.out, r.out
    status = awards.planscope("status", "plans/awards.yaml")
    assert f"      open gap   {ASKED}" in status.out
    doc = json.loads(awards.planscope("status", "plans/awards.yaml", "--format", "json").out)
    assert doc["plans"][0]["slices"][0]["gaps"][0]["text"] == ASKED
    body = awards.planscope("pr-body", TABLES).out
    assert "Open gaps in the plan" in body and md_text(ASKED) in body
    brief = awards.planscope("brief", TABLES).out
    assert "### Open gaps in the plan (wait for an answer)" in brief and ASKED in brief
    awards.write("db/migrations/0042_awards.sql", "create table awards;\n")
    awards.commit("the table", plan=TABLES)
    r = awards.planscope("check", "--commit", "HEAD")
    assert r.code == 0 and f"open gap in {TABLES}: {ASKED} (planscope gap)" in r.out, r.out
    assert awards.planscope("gap", TABLES, "a second question").code == 0
    gaps = yaml.safe_load((awards.path / "plans/awards.yaml").read_text())["slices"][0]["gaps"]
    assert [g["text"] for g in gaps] == [ASKED, "a second question"]


def test_bad_gaps(awards: Repo) -> None:
    for text, said in (("  ", "say what the plan is wrong or silent about"),
                       ("a\x1bb", "one printable line")):
        r = awards.planscope("gap", TABLES, text)
        assert r.code == 2 and said in r.err, r.err
    r = awards.planscope("gap", "plans/awards.yaml", "x")
    assert r.code == 2 and "has 2 slices; name one" in r.err, r.err


def test_run_stops_the_executor_when_it_records_a_gap(awards: Repo) -> None:
    body = (f"{sys.executable} -m checker gap {TABLES} 'the plan is silent on ids'\n"
            "sleep 120\n")
    r = run(awards, TABLES, "--stop-on", "gap", "--", script(awards, body))
    assert "planscope: stopping the executor (--stop-on gap): it recorded a gap in " \
           f"{TABLES}: the plan is silent on ids" in r.err, r.err
