"""Recording reviews into a plan file's text (checker/planrecord.py)."""

from __future__ import annotations

import pytest
import yaml

from checker.errors import BadInput
from checker.history import planrecord
from tests.conftest import Repo

ENTRY = {"reviewer": "opus", "confidence": 0.4, "at": "2026-11-20", "notes": "no: rollback"}


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1  # v\nid: x\n", "version: 1  # v\nid: x\nreviews:\n  - reviewer: opus\n"
     "    confidence: 0.4\n    at: 2026-11-20\n    notes: \"no: rollback\"\n"),
    ("id: x\nreviews: []  # none yet\n",
     "id: x\nreviews: [{reviewer: opus, confidence: 0.4, at: 2026-11-20, "
     "notes: \"no: rollback\"}]  # none yet\n"),
    ("reviews: [{reviewer: a, confidence: 1}]\nid: x\n",
     "reviews: [{reviewer: a, confidence: 1}, {reviewer: opus, confidence: 0.4, "
     "at: 2026-11-20, notes: \"no: rollback\"}]\nid: x\n"),
    ("reviews:   # later\nid: x\n", "reviews:   # later\n  - reviewer: opus\n"
     "    confidence: 0.4\n    at: 2026-11-20\n    notes: \"no: rollback\"\nid: x\n"),
    ("reviews: ~\nid: x", "reviews: \n  - reviewer: opus\n    confidence: 0.4\n"
     "    at: 2026-11-20\n    notes: \"no: rollback\"\nid: x"),
    ("reviews:\n- reviewer: a\n  confidence: 1\n# after\nid: x\n",
     "reviews:\n- reviewer: a\n  confidence: 1\n- reviewer: opus\n  confidence: 0.4\n"
     "  at: 2026-11-20\n  notes: \"no: rollback\"\n# after\nid: x\n"),
    ("id: x\r\nreviews:\r\n  - reviewer: a\r\n    notes: |\r\n      two\r\n      lines\r\n",
     "id: x\r\nreviews:\r\n  - reviewer: a\r\n    notes: |\r\n      two\r\n      lines\r\n"
     "  - reviewer: opus\r\n    confidence: 0.4\r\n    at: 2026-11-20\r\n"
     "    notes: \"no: rollback\"\r\n"),
])
def test_insert_reviews_at_the_text_level(text: str, expected: str) -> None:
    got = planrecord.insert_reviews(text, "p.yaml", [ENTRY])
    assert got == expected
    reviews = yaml.safe_load(got)["reviews"]
    assert {**reviews[-1], "at": str(reviews[-1]["at"])} == ENTRY


def test_insert_reviews_refuses_what_it_cannot_edit() -> None:
    with pytest.raises(BadInput, match="top level is not a block mapping"):
        planrecord.insert_reviews("{id: x, reviews: []}\n", "p.yaml", [ENTRY])
    with pytest.raises(BadInput, match="'reviews' is not a list"):
        planrecord.insert_reviews("reviews: none yet\n", "p.yaml", [ENTRY])


def test_set_status_keeps_the_rest_of_the_file(repo: Repo) -> None:
    body = "slices:\n  - id: s\n    title: S\n    status: draft   # the slice's own\n" \
           "    files: {create: [a.py]}\n"
    repo.write("plans/a.yaml", "version: 1\nid: a\ntitle: A\nstatus: review   # asked\n" + body)
    planrecord.set_status(repo.path, "plans/a.yaml", "approved")
    assert (repo.path / "plans/a.yaml").read_text() == (
        "version: 1\nid: a\ntitle: A\nstatus: approved   # asked\n" + body)
    repo.write("plans/b.yaml", "version: 1\nid: b\ntitle: B\r\n" + body)
    planrecord.set_status(repo.path, "plans/b.yaml", "approved")
    assert (repo.path / "plans/b.yaml").read_bytes().decode() == (
        "version: 1\nid: b\ntitle: B\r\nstatus: approved\r\n" + body)
