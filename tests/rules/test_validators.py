"""The generated validators (checker/rules/validators/) are made from the schemas as they
are, and say valid or invalid exactly where jsonschema does: on every plan and config of
this repository and of the tests' fixtures, and on thousands of mutations of them."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checker.rules import schemas, validators, yamlfile
from tests.conftest import AWARDS_PLAN

TOP = Path(__file__).resolve().parents[2]


def test_the_generated_modules_are_current() -> None:
    for name in validators.NAMES:
        made = validators.source(name, schemas.text(name))
        kept = (validators.HERE / f"{name}.py").read_text(encoding="utf-8")
        assert made == kept, f"run: python -m checker.rules.validators ({name})"
        assert validators.validator(name, schemas.text(name)) is not None


def test_a_module_made_from_another_schema_text_is_not_used() -> None:
    assert validators.validator("plan", schemas.text("plan") + " ") is None


def _documents() -> dict[str, list[Any]]:
    plans = [yamlfile.parse(p.read_text(encoding="utf-8"), str(p))
             for p in sorted((TOP / "plans").glob("*.yaml"))]
    plans.append(yamlfile.parse(AWARDS_PLAN, "awards.yaml"))
    config = [yamlfile.parse((TOP / ".planscope.yaml").read_text(encoding="utf-8"),
                             ".planscope.yaml"), {}]
    return {"plan": plans, "config": config}


ODD: list[Any] = [None, True, 0, 1.5, -1, "", "x", "Not An Id", [], ["x"], [1], {}, {"x": 1}]


def _mutate(doc: Any, rng: random.Random) -> Any:
    """``doc`` with one random change somewhere in it: a key removed or added, a value
    replaced by an odd one, a list emptied or grown."""
    doc = copy.deepcopy(doc)
    spots: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            spots.extend((node, k) for k in node)
            spots.append((node, None))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            spots.extend((node, i) for i in range(len(node)))
            spots.append((node, None))
            for v in node:
                walk(v)
    walk(doc)
    node, where = rng.choice(spots)
    move = rng.random()
    if where is None:
        if isinstance(node, dict):
            node[rng.choice(["extra", "id", "status", "files", "verify"])] = rng.choice(ODD)
        else:
            node.append(rng.choice(ODD))
    elif move < 0.3:
        del node[where]
    else:
        node[where] = rng.choice(ODD) if move < 0.8 else copy.deepcopy(rng.choice(ODD))
    return doc


@pytest.mark.parametrize("name", validators.NAMES)
def test_the_same_verdict_as_jsonschema(name: str) -> None:
    check = validators.validator(name, schemas.text(name))
    assert check is not None
    reference = jsonschema.Draft202012Validator(schemas.load(name))
    rng = random.Random(27)
    seen = {True: 0, False: 0}
    for doc in _documents()[name]:
        for _ in range(160):
            mutated = _mutate(doc, rng) if rng.random() < 0.95 else doc
            try:
                check(mutated)
                ours = True
            except ValueError:
                ours = False
            assert ours == reference.is_valid(mutated), mutated
            seen[ours] += 1
    assert seen[True] > 40 and seen[False] > 40, seen  # both answers were exercised
