"""Records: the part of ``@dataclass`` planscope uses (an ``__init__`` with defaults and
factories, ``==``, ``hash`` when frozen, ``repr``, ``replace``, ``asdict``, ``fields``),
without its cost. The standard decorator writes each class's methods as source and compiles
them (about 1.1 ms a class here), and importing ``dataclasses`` pulls in ``inspect``, ``ast``
and ``dis`` (about 20 ms cold): 24 records on the commit hook's path cost it ~47 ms, more
than ``import yaml``. These methods are shared functions that read the class's field list, so
making a class costs microseconds; an instance is built as fast as a frozen dataclass's
(each field set through ``object.__setattr__`` in both).

Type checkers see ``@record`` as a dataclass (PEP 681, ``dataclass_transform``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda f: f

T = TypeVar("T")
_MISSING: Any = object()
_FIELDS = "__record_fields__"


class Field:
    """One field: its name, default (or factory), and whether ``==`` and ``repr`` use it."""

    __slots__ = ("compare", "default", "factory", "name", "repr")

    def __init__(self, default: Any = _MISSING, factory: Callable[[], Any] | None = None,
                 compare: bool = True, repr: bool = True) -> None:
        self.name = ""
        self.default, self.factory, self.compare, self.repr = default, factory, compare, repr


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None,
          compare: bool = True, repr: bool = True) -> Any:
    return Field(default, default_factory, compare, repr)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    spec: tuple[Field, ...] = getattr(type(self), _FIELDS)
    if len(args) > len(spec):
        raise TypeError(f"{type(self).__name__}() takes {len(spec)} arguments, "
                        f"{len(args)} given")
    put, named = object.__setattr__, 0
    for i, f in enumerate(spec):
        if i < len(args):
            value = args[i]
        elif f.name in kwargs:
            value = kwargs[f.name]
            named += 1
        elif f.factory is not None:
            value = f.factory()
        elif f.default is not _MISSING:
            value = f.default
        else:
            raise TypeError(f"{type(self).__name__}() missing argument {f.name!r}")
        put(self, f.name, value)
    if named != len(kwargs):  # a name twice, or one that is no field
        wrong = sorted(set(kwargs) - {f.name for f in spec[len(args):]})
        raise TypeError(f"{type(self).__name__}() got unexpected or repeated "
                        f"{', '.join(wrong)}")


def _compared(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in getattr(type(self), _FIELDS) if f.compare)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _compared(self) == _compared(other)


def _hash(self: Any) -> int:
    return hash(_compared(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}"
                      for f in getattr(type(self), _FIELDS) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _frozen_set(self: Any, name: str, value: Any) -> None:
    raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _frozen_del(self: Any, name: str) -> None:
    raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


def _fields_of(cls: type[Any]) -> tuple[Field, ...]:
    """The class's own annotated fields, in order, checked as dataclasses check them."""
    if any(hasattr(base, _FIELDS) for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a record does not extend another record")
    spec = []
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect costs an import)
    for name, kind in own.items():
        if str(kind).startswith(("ClassVar", "typing.ClassVar")):
            continue
        given = cls.__dict__.get(name, _MISSING)
        f = given if isinstance(given, Field) else Field(given)
        f.name = name
        if f.factory is None and isinstance(f.default, (list, dict, set)):
            raise ValueError(f"{cls.__name__}.{name}: a mutable default; use a factory")
        if given is not _MISSING:  # a class attribute holds the plain default, as dataclasses
            if f.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        spec.append(f)
    seen_default = False
    for f in spec:
        if f.default is not _MISSING or f.factory is not None:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__name__}.{f.name}: a field without a default follows "
                            f"one with a default")
    return tuple(spec)


def _make(cls: type[T], frozen: bool) -> type[T]:
    setattr(cls, _FIELDS, _fields_of(cls))
    cls.__init__ = _init  # type: ignore[method-assign]
    cls.__eq__ = _eq  # type: ignore[method-assign]
    cls.__repr__ = _repr  # type: ignore[method-assign]
    if frozen:
        cls.__hash__ = _hash  # type: ignore[method-assign]
        cls.__setattr__ = _frozen_set  # type: ignore[method-assign]
        cls.__delattr__ = _frozen_del  # type: ignore[method-assign]
    else:
        cls.__hash__ = None  # type: ignore[assignment]
    return cls


@dataclass_transform(field_specifiers=(field,))
def record(cls: type[T] | None = None, *, frozen: bool = False) -> Any:
    """``@record`` or ``@record(frozen=True)``: the class's annotated fields, in order."""
    if cls is None:
        return lambda c: _make(c, frozen)
    return _make(cls, frozen)


def fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a record or record class."""
    return tuple(getattr(obj if isinstance(obj, type) else type(obj), _FIELDS))


def is_record(obj: Any) -> bool:
    return hasattr(type(obj), _FIELDS) and not isinstance(obj, type)


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes``."""
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {', '.join(sorted(unknown))}")
    values.update(changes)
    return type(obj)(**values)


def asdict(obj: Any) -> Any:
    """A record as plain data: records become dicts, recursively through lists, tuples and
    dicts, as ``dataclasses.asdict`` does."""
    if is_record(obj):
        return {f.name: asdict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, (list, tuple)):
        return type(obj)(asdict(v) for v in obj)
    if isinstance(obj, dict):
        return {asdict(k): asdict(v) for k, v in obj.items()}
    return obj
