"""Plans and slices: loading with line marks, schema and semantic validation, repo lint."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from checker import errors
from checker.errors import BadInput
from checker.record import asdict, field, record
from checker.rules import built, globlint, schemas, yamlfile
from checker.rules.globlint import literal
from checker.state import Cache


@record(frozen=True)
class TestRef:
    path: str
    covers: str = ""


@record(frozen=True)
class Review:
    reviewer: str
    confidence: float
    at: str = ""
    notes: str = ""
    assumptions: tuple[str, ...] = ()  # ids of the assumptions the reviewer found wrong
    focus: str = ""  # what the reviewer was asked to look hardest at
    model: str = ""  # provider:model that answered (a finding clears only by the same)
    blocks: tuple[str, ...] = ()  # ids of the slices a blocking finding of it stops


@record(frozen=True)
class Gap:
    """An open question the executor found in the plan (``planscope gap``)."""

    text: str
    by: str = ""
    time: str = ""
    status: str = "open"  # open | answered


@record(frozen=True)
class SignOff:
    """A person's sign-off of review findings (``plan-review --approve --override``)."""

    by: str  # git identity
    time: str  # ISO 8601
    reason: str
    overrides: tuple[str, ...] = ()  # ids of the assumptions signed off
    unblocks: tuple[str, ...] = ()  # ids of the slices whose blocking findings it signs off


@record(frozen=True)
class Assumption:
    """What the plan believes about the existing code; ``id`` None for a plain sentence."""

    id: str | None
    text: str
    paths: tuple[str, ...] = ()


@record(frozen=True)
class Slice:
    id: str
    title: str
    status: str
    create: tuple[str, ...] = ()
    modify: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    tests: tuple[TestRef, ...] = ()
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    notes: str = ""
    relies_on: tuple[str, ...] = ()  # assumption ids
    gaps: tuple[Gap, ...] = ()  # where the executor found the plan wrong or silent

    @property
    def open_gaps(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.gaps if g.status == "open")

    @property
    def planned(self) -> tuple[str, ...]:
        """The patterns the slice names as its work: files to create, modify, delete, and tests."""
        return (*self.create, *self.modify, *self.delete, *(t.path for t in self.tests))


@record(frozen=True)
class Plan:
    path: str  # repo-relative, as errors name it
    id: str
    title: str
    status: str
    slices: tuple[Slice, ...]
    summary: str = ""
    assumptions: tuple[str, ...] = ()  # their texts, plain or with an id
    forbid: tuple[str, ...] = ()
    reviews: tuple[Review, ...] = ()
    data: Any = field(default=None, compare=False, repr=False)
    assumed: tuple[Assumption, ...] = ()
    signoffs: tuple[SignOff, ...] = ()

    def slice(self, slice_id: str) -> Slice | None:
        return next((s for s in self.slices if s.id == slice_id), None)

    def relied_on(self, s: Slice) -> tuple[Assumption, ...]:
        """The assumptions slice ``s`` relies on, in the plan's order."""
        return tuple(a for a in self.assumed if a.id is not None and a.id in s.relies_on)

    def where(self, *path: Any) -> str:
        line, col = yamlfile.locate(self.data, path)
        return f"{self.path}:{line}:{col}"


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


def _build(data: dict[str, Any], name: str) -> Plan:
    status = data.get("status", "draft")
    slices = []
    for s in data["slices"]:
        files = s.get("files") or {}
        slices.append(
            Slice(
                id=s["id"],
                title=s["title"],
                status=s.get("status", status),
                create=_strs(files.get("create")),
                modify=_strs(files.get("modify")),
                delete=_strs(files.get("delete")),
                allow=_strs(s.get("allow")),
                forbid=_strs(s.get("forbid")),
                tests=tuple(TestRef(t["path"], t.get("covers", "")) for t in s.get("tests") or ()),
                depends_on=_strs(s.get("depends_on")),
                branch=s.get("branch"),
                notes=s.get("notes", ""),
                relies_on=_strs(s.get("relies_on")),
                gaps=tuple(Gap(str(g["text"]), str(g.get("by", "")), str(g.get("time", "")),
                               str(g.get("status", "open"))) for g in s.get("gaps") or ()),
            )
        )
    assumed = tuple(Assumption(None, a) if isinstance(a, str) else
                    Assumption(a["id"], a["text"], _strs(a.get("paths")))
                    for a in data.get("assumptions") or ())
    return Plan(
        path=name,
        id=data["id"],
        title=data["title"],
        status=status,
        slices=tuple(slices),
        summary=data.get("summary", ""),
        assumptions=tuple(a.text for a in assumed),
        assumed=assumed,
        forbid=_strs(data.get("forbid")),
        reviews=tuple(
            Review(r["reviewer"], float(r["confidence"]), str(r.get("at", "")),
                   r.get("notes", ""), _strs(r.get("assumptions")), str(r.get("focus", "")),
                   str(r.get("model", "")), _strs(r.get("blocks")))
            for r in data.get("reviews") or ()
        ),
        signoffs=tuple(SignOff(str(s["by"]), str(s["time"]), str(s["reason"]),
                               _strs(s.get("overrides")), _strs(s.get("unblocks")))
                       for s in data.get("signoffs") or ()),
        data=data,
    )


def _pattern_lists(s: dict[str, Any]) -> Iterable[tuple[tuple[Any, ...], str]]:
    files = s.get("files") or {}
    for key in ("create", "modify", "delete"):
        for i, p in enumerate(files.get(key) or ()):
            yield ("files", key, i), p
    for key in ("allow", "forbid"):
        for i, p in enumerate(s.get(key) or ()):
            yield (key, i), p
    for i, t in enumerate(s.get("tests") or ()):
        yield ("tests", i, "path"), t["path"]


def _patterns(plan: Plan) -> Iterable[tuple[tuple[Any, ...], str]]:
    """Every pattern of the plan with the path to it: the plan's forbid, then each slice's."""
    for i, p in enumerate(plan.data.get("forbid") or ()):
        yield ("forbid", i), p
    for si, s in enumerate(plan.data["slices"]):
        for path, p in _pattern_lists(s):
            yield ("slices", si, *path), p


def glob_warnings(plan: Plan) -> list[str]:
    """Patterns git accepts that likely do not mean what they look like, and negations in a
    slice's forbid (they cannot lift what the plan or the config forbids)."""
    out = [f"{plan.where(*path)}: warning: {why}"
           for path, pattern in _patterns(plan) for why in globlint.warnings(pattern)]
    out += [f"{plan.where(*path)}: warning: {pattern!r} only narrows this slice's own forbid "
            f"list: what the plan or the config forbids stays forbidden (forbid always wins)"
            for path, pattern in _patterns(plan)
            if path[0] == "slices" and path[2] == "forbid" and pattern.startswith("!")]
    return out


def semantic_errors(plan: Plan) -> list[str]:
    """The checks JSON Schema cannot express (DESIGN §2)."""
    problems = [f"{plan.where(*path)}: {why}"
                for path, p in _patterns(plan) for why in globlint.problems(p)]
    seen: dict[str, int] = {}
    for si, s in enumerate(plan.data["slices"]):
        if s["id"] in seen:
            problems.append(
                f"{plan.where('slices', si, 'id')}: duplicate slice id {s['id']!r} "
                f"(also slices[{seen[s['id']]}])"
            )
        seen.setdefault(s["id"], si)
        problems += _created_and_deleted(plan, si, s)
    return problems + _dependency_errors(plan) + _assumption_errors(plan)


def _assumption_errors(plan: Plan) -> list[str]:
    """Assumption ids: unique, and every relies_on names one."""
    problems = []
    seen: dict[str, int] = {}
    for ai, a in enumerate(plan.assumed):
        if a.id is None:
            continue
        if a.id in seen:
            problems.append(f"{plan.where('assumptions', ai, 'id')}: duplicate assumption id "
                            f"{a.id!r} (also assumptions[{seen[a.id]}])")
        seen.setdefault(a.id, ai)
        problems += [f"{plan.where('assumptions', ai, 'paths', pi)}: {why}"
                     for pi, p in enumerate(a.paths) for why in globlint.problems(p)]
    ids = ", ".join(seen) or "none has an id"
    for si, s in enumerate(plan.slices):
        problems += [f"{plan.where('slices', si, 'relies_on', ri)}: unknown assumption {r!r} "
                     f"(assumption ids: {ids})"
                     for ri, r in enumerate(s.relies_on) if r not in seen]
    return problems


def _created_and_deleted(plan: Plan, si: int, s: dict[str, Any]) -> list[str]:
    """Paths slice ``si`` both creates and deletes."""
    files = s.get("files") or {}
    created = {literal(p) for p in files.get("create") or ()} - {None}
    return [f"{plan.where('slices', si, 'files', 'delete', di)}: {p!r} is both created "
            f"and deleted in slice {s['id']!r}"
            for di, p in enumerate(files.get("delete") or ()) if literal(p) in created]


def _dependency_errors(plan: Plan) -> list[str]:
    """depends_on: unknown slices, a slice depending on itself, cycles."""
    problems = []
    ids = {s.id for s in plan.slices}
    for si, s in enumerate(plan.slices):
        for di, dep in enumerate(s.depends_on):
            where = plan.where("slices", si, "depends_on", di)
            if dep == s.id:
                problems.append(f"{where}: slice {s.id!r} depends on itself")
            elif dep not in ids:
                problems.append(f"{where}: unknown slice {dep!r} "
                                f"(slices: {', '.join(sorted(ids))})")
    cycle = _find_cycle({s.id: [d for d in s.depends_on if d in ids and d != s.id]
                         for s in plan.slices})
    if cycle:
        first = next(i for i, s in enumerate(plan.slices) if s.id == cycle[0])
        problems.append(f"{plan.where('slices', first, 'depends_on')}: "
                        f"depends_on has a cycle: {' -> '.join(cycle)}")
    return problems


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return None


def load(root: Path, rel: str, validated: Cache | None = None) -> Plan:
    """Load, schema-check and semantically check one plan; BadInput lists every problem."""
    name = Path(rel).as_posix()
    return load_text(yamlfile.read(root / rel, name, root), name, validated)


def load_text(text: str, name: str, validated: Cache | None = None) -> Plan:
    """``load`` for plan text read elsewhere (a file at a revision: ``git show REV:PATH``);
    ``name`` is the repo-relative path errors and results use."""
    def build() -> Plan:
        data = yamlfile.parse(text, name)
        if data is None:
            raise BadInput(f"{name}:1:1: empty plan file")
        problems = schemas.checked_errors("plan", data, name, text, validated)
        if problems:
            raise errors.problems(problems)
        plan = _build(data, name)
        problems = semantic_errors(plan)
        if problems:
            raise errors.problems(problems)
        return plan

    return built.once(validated and validated.sibling(built.KIND), "Plan", name, text, build,
                      lambda plan: plan.data, lambda data: _build(data, name))


def plan_files(root: Path, plans_dir: str) -> list[str]:
    """Repo-relative paths of every plan file under ``plans_dir``."""
    base = root / plans_dir
    if not base.is_dir():
        return []
    found = [p for p in base.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir()]
    return sorted(p.relative_to(root).as_posix() for p in found)


def duplicate_ids(plans: Sequence[Plan], others: Sequence[Plan] = ()) -> list[str]:
    """One error per plan of ``plans`` whose id another plan also uses."""
    out = []
    for p in plans:
        clash = [o.path for o in (*plans, *others) if o.id == p.id and o.path != p.path]
        if clash:
            out.append(f"{p.where('id')}: plan id {p.id!r} is also used by {', '.join(clash)}")
    return out


def slice_yaml(plan: Plan, slices: Sequence[Slice]) -> str:
    """The slices as written in the plan file (rebuilt from the records when it has none)."""
    import yaml

    raw = plan.data.get("slices") if isinstance(plan.data, dict) else None
    ids = [s.id for s in slices]
    if isinstance(raw, list):
        picked = [yamlfile.plain(s) for s in raw if isinstance(s, dict) and s.get("id") in ids]
    else:
        picked = [yamlfile.plain(asdict(s)) for s in slices]
    return yaml.safe_dump(picked, sort_keys=False, allow_unicode=True, width=100)


def plan_yaml(plan: Plan) -> str:
    """The plan as YAML without its recorded reviews (a reviewer never sees earlier answers)."""
    import yaml

    data = yamlfile.plain(plan.data)
    if isinstance(data, dict):
        data.pop("reviews", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
