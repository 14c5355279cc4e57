"""Which slices a change claims: one claim order, for every entry point (DESIGN §4).

First hit wins:

1. ``--plan PATH[#SLICE]`` on the command line;
2. the change's own ``Plan:`` trailers: several claim the union of their slices, ``Plan:
   none`` claims none. A ``fixup!``/``squash!``/``amend!`` commit without trailers of its own
   takes the trailers of the commit it names, a revert (``This reverts commit X.``) X's;
3. in a pull request, the ``Plan:`` line of its description;
4. for staged changes only: the active slice (``planscope use``, or ``PLANSCOPE_PLAN``);
5. the branch: a slice whose ``branch:`` is it, or one named ``<plan-id>/<slice-id>``
   (or ``plan/<plan-id>/<slice-id>``, the older scheme).

A change claims nothing when none of them names a slice.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from checker import state
from checker.errors import BadInput
from checker.git import repository, revs
from checker.git.formats import Commit
from checker.record import field, record
from checker.rules.book import Rulebook, clean
from checker.rules.plan import Plan, Slice
from checker.rules.ruleset import Part

TRAILER = "Plan"
NONE = "none"
ACTIVE_SOURCES = (state.ENV_PLAN, "planscope use")
SEARCH = 500  # how many earlier commits a fixup!/squash! target is looked for in
_FIXUP = re.compile(r"(?:(?:fixup|squash|amend)! )+")


@record(frozen=True)
class Claim:
    """What a change claims: the slices of one or more plans, or ``Plan: none`` (no part)."""

    parts: tuple[Part, ...]
    source: str  # where the claim came from, for messages: "--plan", "trailer", "branch x"

    @property
    def none(self) -> bool:
        return not self.parts

    @property
    def plan(self) -> Plan | None:
        """The claimed plan when the claim names exactly one (None for ``Plan: none``, and
        for a claim across plans: look at ``parts``)."""
        plans = {p.plan.path for p in self.parts}
        return self.parts[0].plan if len(plans) == 1 else None

    @property
    def slices(self) -> tuple[Slice, ...]:
        return tuple(s for p in self.parts for s in p.slices)

    @property
    def ref(self) -> str:
        return " + ".join(p.ref for p in self.parts) or NONE

    @property
    def active(self) -> bool:
        """Whether the active slice made this claim (a refusal says how to clear it)."""
        return self.source in ACTIVE_SOURCES


@record(frozen=True)
class Context:
    """What an entry point knows of a change besides the change itself."""

    plan_ref: str | None = None  # --plan
    plan_source: str = "--plan"
    pr_refs: tuple[str, ...] = ()  # the pull request body's Plan: lines
    pr_source: str = ""
    branch: str | None = None  # the branch being committed to or pushed; None: unknown
    env: Mapping[str, str] = field(default_factory=dict, compare=False)


# --- references -------------------------------------------------------------------------


def parse_ref(ref: str) -> tuple[str, str | None] | None:
    """``plans/x.yaml#slice`` → (path, slice id); ``plans/x.yaml`` → (path, None); ``none``
    (any case) → None."""
    text = ref.strip()
    if text.lower() == NONE:
        return None
    path, _, slice_id = text.partition("#")
    return path.strip(), slice_id.strip() or None


def select_slices(plan: Plan, slice_id: str | None) -> tuple[Slice, ...]:
    """The slices ``#a`` or ``#a+b`` names; without ``#``, the plan's one slice."""
    ids = ", ".join(s.id for s in plan.slices)
    if slice_id:
        found = []
        for one in dict.fromkeys(x.strip() for x in slice_id.split("+")):
            got = plan.slice(one)
            if got is None:
                close = difflib.get_close_matches(one, [s.id for s in plan.slices], n=1)
                meant = f"; did you mean {close[0]!r}?" if close else ""
                raise BadInput(f"{plan.path}: no slice {one!r} (slices: {ids}){meant}")
            found.append(got)
        return tuple(found)
    if len(plan.slices) == 1:
        return plan.slices
    raise BadInput(
        f"{plan.path} has {len(plan.slices)} slices; name one, e.g. "
        f"'{TRAILER}: {plan.path}#{plan.slices[0].id}' (slices: {ids})"
    )


def from_ref(ref: str, book: Rulebook, source: str) -> Claim:
    """``plans/x.yaml#slice`` (or ``none``) → Claim."""
    parsed = parse_ref(ref)
    if parsed is None:
        return Claim((), source)
    plan = book.plan(parsed[0], source)
    return Claim((Part(plan, select_slices(plan, parsed[1])),), source)


def from_trailers(values: Sequence[str], book: Rulebook, where: str,
                  source: str | None = None) -> Claim | None:
    """The claim of a change's ``Plan:`` trailers (or of a pull request body's ``Plan:``
    lines, said to come from ``source``): the union of the slices they name (a plan named
    twice counts once per slice); ``Plan: none`` only alone."""
    if not values:
        return None
    if source is None:
        source = f"'{TRAILER}:' trailer{'s' * (len(values) > 1)} of {where}"
    claims = [from_ref(v, book, source) for v in values]
    if len(claims) > 1 and any(c.none for c in claims):
        raise BadInput(f"{where}: 'Plan: none' together with a slice; a change that claims a "
                       f"slice needs no 'Plan: none'")
    by_plan: dict[str, tuple[Plan, dict[str, Slice]]] = {}
    for c in claims:
        for p in c.parts:
            _, slices = by_plan.setdefault(p.plan.path, (p.plan, {}))
            slices.update((s.id, s) for s in p.slices)
    return Claim(tuple(Part(plan, tuple(slices.values())) for plan, slices in by_plan.values()),
                 source)


def from_active(root: Path, book: Rulebook, env: Mapping[str, str]) -> Claim | None:
    """The active slice as a claim (it claims staged changes, never commits already made)."""
    located = repository.locate(root)
    found = state.active_ref(located[1], env) if located is not None else None
    return from_ref(found[0], book, found[1]) if found else None


def branch_names(plan_id: str, slice_id: str) -> tuple[str, str]:
    """The branch names that claim a slice: ``<plan-id>/<slice-id>`` (the documented one,
    which cannot collide with ``plan/<plan-id>``, the plan's own branch) and the older
    ``plan/<plan-id>/<slice-id>``, still accepted."""
    return f"{plan_id}/{slice_id}", f"plan/{plan_id}/{slice_id}"


def named_plan_id(branch: str) -> str | None:
    """The plan id a branch name of either scheme names, or None."""
    words = branch.split("/")
    if len(words) == 2:
        return words[0]
    if len(words) == 3 and words[0] == "plan":
        return words[1]
    return None


def from_branch(branch: str | None, book: Rulebook) -> Claim | None:
    """A slice whose ``branch:`` is the branch, or a branch named ``<plan-id>/<slice-id>``
    (or ``plan/<plan-id>/<slice-id>``).

    Only plan files whose text mentions the branch (or whose ``id:`` line is the plan id it
    names) are loaded:
    a broken plan elsewhere does not break every commit, and the hot path stays short.
    """
    if not branch:
        return None
    named_id = named_plan_id(branch)
    id_line = (re.compile(rf"^['\"]?id['\"]?\s*:\s*['\"]?{re.escape(named_id)}['\"]?\s*(#.*)?$",
                          re.M)
               if named_id else None)
    hits: list[tuple[Plan, Slice]] = []
    for rel in book.files():
        text = book.text(rel)
        if branch not in text and (id_line is None or not id_line.search(text)):
            continue
        p = book.plan(rel, f"branch {branch}")
        hits += [(p, s) for s in p.slices
                 if s.branch == branch or branch in branch_names(p.id, s.id)]
    if not hits:
        return None
    if len(hits) > 1:
        names = ", ".join(f"{p.path}#{s.id}" for p, s in hits)
        raise BadInput(f"branch {branch!r} maps to several slices: {names}")
    p, s = hits[0]
    return Claim((Part(p, (s,)),), f"branch {branch}")


# --- the claim order ----------------------------------------------------------------------


def claim_of(root: Path, book: Rulebook, ctx: Context, trailers: Sequence[str],
             trailer_source: str, staged: bool) -> Claim | None:
    """The claim of a change (see the module docstring for the order)."""
    if ctx.plan_ref is not None:
        return from_ref(ctx.plan_ref, book, ctx.plan_source)
    found = from_trailers(trailers, book, trailer_source)
    if found is None and ctx.pr_refs:
        found = from_trailers(ctx.pr_refs, book, ctx.pr_source, ctx.pr_source)
    if found is None and staged:
        found = from_active(root, book, ctx.env)
    if found is None:
        found = from_branch(ctx.branch, book)
    return found


# --- fixup!, squash!, amend! and reverts take the claim of the commit they name ------------


def fixup_target(subject: str) -> tuple[str, str] | None:
    """``("fixup!", "rest")`` for a fixup!/squash!/amend! subject, else None."""
    m = _FIXUP.match(subject)
    if m is None or not subject[m.end():].strip():
        return None
    return subject[: m.end()].split()[0], subject[m.end():]


def find_target(target: str, candidates: Sequence[Commit]) -> Commit | None:
    """The commit a fixup!/squash! points at, among ``candidates`` (nearest first), found
    like ``git rebase --autosquash`` finds it: the subject, else a commit id, else a subject
    that starts with it."""
    real = [c for c in candidates if fixup_target(c.subject) is None]
    for c in real:
        if c.subject == target:
            return c
    if re.fullmatch(r"[0-9a-f]{4,64}", target):
        for c in real:
            if c.sha.startswith(target):
                return c
    for c in real:
        if c.subject.startswith(target):
            return c
    return None


def _earlier(root: Path, rev: str | None) -> list[Commit]:
    """``rev`` and the commits before it, nearest first (none on an unborn branch)."""
    if rev is None:
        return []
    try:
        return list(reversed(revs.log(root, f"--max-count={SEARCH}", rev)))
    except BadInput:
        return []


@record(frozen=True)
class Trailers:
    """The trailers a change is claimed by, and where they come from."""

    values: tuple[str, ...]
    source: str
    note: str = ""  # why a named commit's claim could not be taken


def inherited(root: Path, subject: str, reverts: str | None, own: Sequence[str],
              source: str, before: str | None) -> Trailers:
    """A change's own trailers; without any, a ``fixup!``/``squash!``/``amend!`` change takes
    those of the commit it names (among the commits before ``before``), and a revert those of
    the commit it reverts (when ``before`` reaches it)."""
    if own:
        return Trailers(tuple(own), source)
    found = fixup_target(subject)
    if found is not None:
        kind, target = found
        commit = find_target(target, _earlier(root, before))
        if commit is None:
            return Trailers((), source, f"note: '{kind}' target {target!r} is not among the last "
                                        f"{SEARCH} commits; give this commit a '{TRAILER}:' "
                                        f"trailer of its own")
        return Trailers(commit.plan_trailers, f"commit {commit.short}, the target of '{kind}'")
    sha = reverts
    if sha is None:
        return Trailers((), source)
    try:
        (commit,) = revs.log(root, "-1", revs.rev_parse(root, sha))
    except (BadInput, ValueError):
        commit = None
    # only a commit of its own history: one only this clone has would claim it here and
    # not in the pull request check
    if commit is None or before is None or not revs.is_ancestor(root, commit.sha, before):
        return Trailers((), source, f"note: it reverts {sha[:9]}, which is not in its "
                                    f"history; give it a '{TRAILER}:' trailer of its own")
    return Trailers(commit.plan_trailers, f"commit {commit.short}, which it reverts")


# --- names given on the command line -------------------------------------------------------


def repo_relative(root: Path, name: str) -> str:
    """A path given on the command line as planscope names files: repo-relative, the way
    trailers name plans; a path from the current folder (or an absolute one) is taken when
    it names an existing file and the repo-relative reading does not."""
    path = Path(name)
    if not path.is_absolute() and (root / name).exists():
        return clean(name, "the command line")
    absolute = path if path.is_absolute() else Path.cwd() / path
    if path.is_absolute() or absolute.exists():
        try:
            return absolute.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise BadInput(f"{name}: not inside the repository {root}") from None
    return clean(name, "the command line")


def command_line_ref(root: Path, ref: str | None) -> str | None:
    """``--plan PATH[#SLICE]`` with its path made repo-relative (see ``repo_relative``)."""
    parsed = parse_ref(ref) if ref is not None else None
    if ref is None or parsed is None:
        return ref
    path, slice_id = parsed
    return repo_relative(root, path) + (f"#{slice_id}" if slice_id else "")


def named_slices(root: Path, book: Rulebook, ref: str) -> tuple[Plan, tuple[Slice, ...]]:
    """``PLAN#SLICE`` or ``PLAN#A+B`` as given on the command line → the plan and its
    slices."""
    path, _, slice_id = ref.partition("#")
    plan = book.plan(repo_relative(root, path), "the command line")
    return plan, select_slices(plan, slice_id or None)


def named_slice(root: Path, book: Rulebook, ref: str, command: str) -> tuple[Plan, Slice]:
    """``PLAN#SLICE`` as given on the command line → the plan and its one slice; ``command``
    (which takes one slice only) refuses ``PLAN#A+B``."""
    plan, slices = named_slices(root, book, ref)
    if len(slices) > 1:
        raise BadInput(f"planscope {command} takes one slice; {ref} names {len(slices)} "
                       f"({', '.join(s.id for s in slices)})")
    return plan, slices[0]
