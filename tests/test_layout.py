"""The package's shape: no import circle among checker's modules (type-only imports and
imports inside functions included), nothing below ``commands/`` imports a command, and no
module grows past what a reader takes in at once."""

from __future__ import annotations

import ast
from pathlib import Path

import checker

PACKAGE = Path(checker.__file__).resolve().parent
MAX_LINES = 400
MAX_CLI_LINES = 300
# Entry points: they wire commands together, so they may import them.
ENTRY = {"checker.main", "checker.cli", "checker.cli_hooks", "checker.cli_plans", "checker.options",
         "checker.__main__"}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every checker module ``path`` imports, wherever the import statement is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                up = up[: len(up) - node.level + 1]
                base = ".".join([*up, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    # importing a package's name alone is not importing its modules
    return {name: {m for m in _imports(path, name, known)
                   if not (m in known and mods[m].name == "__init__.py"
                           and m != name and _is_bare_package(mods[m]))}
            for name, path in mods.items()}


def _is_bare_package(path: Path) -> bool:
    """A package ``__init__`` that holds only its docstring."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body)


def _reach(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += edges.get(node, ())
    return seen


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, directly or through others."""
    reach = {node: _reach(edges, node) for node in edges}
    groups = {tuple(sorted(n for n in reach[node] if node in reach[n]))
              for node in edges if node in reach[node]}
    return sorted(list(g) for g in groups)


def test_no_import_circle() -> None:
    assert cycles(graph()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_nothing_below_commands_imports_a_command() -> None:
    wrong = sorted(f"{name} imports {m}" for name, deps in graph().items()
                   if not name.startswith("checker.commands") and name not in ENTRY
                   for m in deps if m.startswith("checker.commands"))
    assert wrong == []


def test_modules_stay_small() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in _modules().items()}
    big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert big == {}
    assert sizes["checker.cli"] <= MAX_CLI_LINES


def test_every_subpackage_says_what_belongs_there() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 8, init
