"""checker/record.py: the records that stand in for dataclasses on the hot paths behave as
the dataclasses they replaced (init, defaults and factories, ==, hash, repr, frozen,
replace, asdict, fields), and fail as loudly on misuse."""

from __future__ import annotations

from typing import ClassVar

import pytest

from checker.record import asdict, field, fields, is_record, record, replace


@record(frozen=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)
    KIND: ClassVar[str] = "point"


@record
class Box:
    name: str
    items: list[Point] = field(default_factory=list)


def test_init_defaults_factories_and_keywords() -> None:
    assert Point(1) == Point(1, 0, ())
    assert Point(x=1, y=2).y == 2 and Point(1, tags=("a",)).tags == ("a",)
    a, b = Box("a"), Box("b")
    a.items.append(Point(1))
    assert b.items == [] and Point.y == 0 and Point.KIND == "point"
    assert [f.name for f in fields(Point)] == ["x", "y", "tags", "note"]


@pytest.mark.parametrize(("make", "said"), [
    (lambda: Point(), "missing argument 'x'"),  # type: ignore[call-arg]
    (lambda: Point(1, 2, (), "", 5), "takes 4 arguments, 5 given"),  # type: ignore[call-arg]
    (lambda: Point(1, x=2), "unexpected or repeated x"),  # type: ignore[misc]
    (lambda: Point(1, z=2), "unexpected or repeated z"),  # type: ignore[call-arg]
])
def test_bad_calls_raise_type_errors(make: object, said: str) -> None:
    with pytest.raises(TypeError, match=said):
        make()  # type: ignore[operator]


def test_equality_hash_and_repr() -> None:
    assert Point(1, note="a") == Point(1, note="b")  # note is not compared
    assert hash(Point(1, note="a")) == hash(Point(1, note="b"))
    assert Point(1) != Point(2) and Point(1).__eq__("x") is NotImplemented
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=())"
    assert Box.__hash__ is None and {Point(1), Point(1)} == {Point(1)}


def test_frozen_records_refuse_assignment_and_deletion() -> None:
    p = Point(1)
    with pytest.raises(AttributeError, match="cannot assign to field 'x'"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'x'"):
        del p.x
    box = Box("b")
    box.name = "c"
    assert box.name == "c"


def test_replace_and_asdict() -> None:
    p = Point(1, 2, ("t",))
    assert replace(p, y=5) == Point(1, 5, ("t",)) and p.y == 2
    with pytest.raises(TypeError, match="has no field z"):
        replace(p, z=1)
    box = Box("b", [p])
    assert asdict(box) == {"name": "b", "items": [{"x": 1, "y": 2, "tags": ("t",),
                                                   "note": ""}]}
    assert asdict({"k": (p,)})["k"][0]["x"] == 1
    assert is_record(p) and not is_record(Point) and not is_record(1)


def test_misdeclared_records_are_refused() -> None:
    with pytest.raises(ValueError, match="a mutable default; use a factory"):
        @record
        class Bad:
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="a field without a default follows"):
        @record
        class Order:
            a: int = 0
            b: int  # type: ignore[misc]


def test_a_record_does_not_extend_another() -> None:
    with pytest.raises(TypeError, match="does not extend another record"):
        @record
        class Child(Box):
            extra: int = 0
