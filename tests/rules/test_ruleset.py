"""The one rule builder (checker/rules/ruleset.py): every forbid with its typed origin, the
union of several claimed slices, hand-off and order facts, and the plain-data form the guard
and the pre-commit ticket keep."""

from __future__ import annotations

import json

import pytest

from checker.rules.config import Config, Handoff
from checker.rules.globs import EXACT, Fold
from checker.rules.plan import Plan, Slice
from checker.rules.ruleset import CONFIG, PLAN, SLICE, Origin, Part, RuleSet, rules_for

TABLES = Slice("tables", "Tables", "approved", create=("db/0042.sql",), modify=("app/models.py",),
               allow=("tests/**",), forbid=("app/models/legacy/**",))
VIEWS = Slice("views", "Views", "approved", create=("app/views/awards.py",),
              depends_on=("tables",))
AWARDS = Plan("plans/awards.yaml", "awards", "Awards", "approved", (TABLES, VIEWS),
              forbid=("app/auth/**",))
BILLING_SLICE = Slice("invoice", "Invoice", "approved", create=("billing/invoice.py",))
BILLING = Plan("plans/billing.yaml", "billing", "Billing", "done", (BILLING_SLICE,),
               forbid=("billing/secrets/**",))
CONFIG_RULES = Config(forbid=("**/*.pem",), always_allow=("CHANGELOG.md",),
                      source=".planscope.yaml")
NOT_DONE = [("plans/other.yaml", ("secret/**",))]  # every plan not done, as a Rulebook gives


def test_every_forbid_has_a_typed_origin() -> None:
    rules = rules_for(CONFIG_RULES, NOT_DONE, [Part(AWARDS, (TABLES,))], EXACT)
    assert [(f.origin, f.patterns) for f in rules.forbids] == [
        (Origin(CONFIG, ".planscope.yaml"), ("**/*.pem",)),
        (Origin(PLAN, "plans/other.yaml"), ("secret/**",)),
        (Origin(PLAN, "plans/awards.yaml"), ("app/auth/**",)),
        (Origin(SLICE, "plans/awards.yaml", "tables"), ("app/models/legacy/**",)),
    ]
    assert rules.rule("key.pem") == "'**/*.pem' (forbid in .planscope.yaml)"
    assert rules.rule("secret/a") == "'secret/**' (forbid of plans/other.yaml)"
    assert rules.rule("app/models/legacy/x.py") == (
        "'app/models/legacy/**' (forbid of plans/awards.yaml#tables)")
    assert rules.rule("app/models.py") == ""


def test_the_claimed_plan_counts_once_and_its_forbid_holds_when_done() -> None:
    claimed_twice = [*NOT_DONE, ("plans/awards.yaml", ("app/auth/**",))]
    rules = rules_for(CONFIG_RULES, claimed_twice, [Part(AWARDS, (TABLES,))], EXACT)
    assert [f.origin.label for f in rules.forbids].count("forbid of plans/awards.yaml") == 1
    done = rules_for(Config(), [], [Part(BILLING, (BILLING_SLICE,))], EXACT)
    assert done.forbidden("billing/secrets/key")
    unclaimed = rules_for(Config(), NOT_DONE, [], EXACT)
    assert not unclaimed.claimed and not unclaimed.forbidden("billing/secrets/key")
    assert unclaimed.forbidden("secret/x") and unclaimed.exempt("plans/new.yaml")


def test_a_slice_cannot_lift_a_wider_forbid() -> None:
    lifting = Slice("tables", "Tables", "approved", modify=("app/auth/x.py",),
                    forbid=("!app/auth/x.py",))
    plan = Plan("plans/awards.yaml", "awards", "Awards", "approved", (lifting,),
                forbid=("app/auth/**",))
    rules = rules_for(Config(), [], [Part(plan, (lifting,))], EXACT)
    assert rules.forbidden("app/auth/x.py")


def test_several_slices_allow_the_union_and_paths_go_to_the_slice_that_allows_them() -> None:
    parts = [Part(AWARDS, (TABLES,)), Part(BILLING, (BILLING_SLICE,))]
    rules = rules_for(CONFIG_RULES, NOT_DONE, parts, EXACT)
    assert rules.allows("app/models.py") and rules.allows("billing/invoice.py")
    assert rules.allows("CHANGELOG.md") and not rules.allows("app/views/awards.py")
    assert rules.slice_for("billing/invoice.py") == ("plans/billing.yaml", "invoice")
    assert rules.slice_for("tests/test_x.py") == ("plans/awards.yaml", "tables")
    assert rules.slice_for("CHANGELOG.md") is None  # always_allow: no slice's own
    assert rules.forbidden("billing/secrets/key")  # the claimed plan's forbid, though done
    assert rules.planned == ("db/0042.sql", "app/models.py", "billing/invoice.py")


def test_hand_off_and_order_facts() -> None:
    draft = Plan("plans/d.yaml", "d", "D", "draft", (TABLES, VIEWS))
    rules = rules_for(Config(handoff=Handoff()), [], [Part(draft, (VIEWS,))], EXACT)
    assert rules.refusals == ("plans/d.yaml is not handed off: it is 'draft': the hand-off "
                              "needs 'approved', 'in-progress' or 'done'",)
    assert [(p.ref, deps) for p, deps in rules.needs()] == [("plans/d.yaml#views", ("tables",))]
    both = rules_for(Config(), [], [Part(AWARDS, (TABLES, VIEWS))], EXACT)
    assert both.needs() == [] and both.refusals == ()


def test_plain_data_round_trip_and_damage() -> None:
    rules = rules_for(CONFIG_RULES, NOT_DONE, [Part(AWARDS, (TABLES, VIEWS))],
                      Fold(ignore_case=True))
    data = json.loads(json.dumps(rules.to_data()))
    again = RuleSet.from_data(data)
    assert again.to_data() == rules.to_data()
    assert again.forbidden("APP/AUTH/x.py") and again.allows("DB/0042.sql")
    assert [p.ref for p in again.parts] == ["plans/awards.yaml#tables+views"]
    for broken in ({**data, "format": 0}, {**data, "forbids": [[1, 2, 3, 4]]},
                   {**data, "parts": [{"slices": []}]}, {k: v for k, v in data.items()
                                                          if k != "exempt"}):
        with pytest.raises((ValueError, KeyError, TypeError)):
            RuleSet.from_data(broken)
