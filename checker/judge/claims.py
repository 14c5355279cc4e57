"""Which plan and slice a change claims (DESIGN §4): --plan, the Plan: trailer, the branch."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from checker import __version__, files, state
from checker.errors import BadInput
from checker.git import blobs, repository
from checker.rules import plan as plan_mod
from checker.rules import yamlfile
from checker.rules.config import Config
from checker.rules.plan import Plan, Slice
from checker.state import Cache

TRAILER = "Plan"
NONE = "none"


@dataclass(frozen=True)
class Claim:
    """What a change claims: a plan's slices, or ``Plan: none`` (plan is None)."""

    plan: Plan | None
    slices: tuple[Slice, ...]
    source: str  # where the claim came from, for messages: "--plan", "trailer", "branch x"

    @property
    def ref(self) -> str:
        if self.plan is None:
            return NONE
        return f"{self.plan.path}#{'+'.join(s.id for s in self.slices)}"


class Plans:
    """Plans loaded once per run, by repo-relative path: from the working tree, or, with
    ``rev``, as committed at that revision (the GitHub Action reads the pull request's base)."""

    def __init__(self, root: Path, config: Config, rev: str | None = None,
                 new_from: str | None = None) -> None:
        self.root = root
        self.config = config
        self.rev = rev
        self.new_from = new_from  # plans_in_pr allow-new: a plan ``rev`` lacks, from here
        self._loaded: dict[str, Plan] = {}

    def get(self, rel: str, named_by: str) -> Plan:
        rel = _clean(rel, named_by)
        if rel not in self._loaded:
            if self.rev is not None:
                self._loaded[rel] = self._get_at_rev(rel, named_by, self.rev)
            elif not ((self.root / rel).exists() or (self.root / rel).is_symlink()):
                raise BadInput(f"{rel}: no such plan file (named by {named_by})")
            else:
                self._loaded[rel] = plan_mod.load(self.root, rel, self._validated)
        return self._loaded[rel]

    @functools.cached_property
    def _blobs(self) -> dict[str, str]:
        """Plan file → blob id at ``rev``: one git call for every plan."""
        assert self.rev is not None
        ids = blobs.blob_ids(self.root, self.rev, self.config.plans_dir)
        return {rel: blob for rel, blob in ids.items() if rel.endswith((".yaml", ".yml"))}

    def indexed(self, rel: str) -> bool:
        """Whether ``rel`` is one of the plan files read at ``rev`` (not a file elsewhere)."""
        return self.rev is not None and rel in self._blobs

    @functools.cached_property
    def _bytes(self) -> dict[str, bytes]:
        """Plan file → its bytes at ``rev``, every plan read by one git call."""
        found = blobs.read_blobs(self.root, sorted(set(self._blobs.values())))
        return {rel: found[blob] for rel, blob in self._blobs.items() if blob in found}

    def _get_at_rev(self, rel: str, named_by: str, rev: str) -> Plan:
        raw = self._bytes.get(rel)
        if raw is not None:
            return plan_mod.load_text(blobs.text_of(raw, rev, rel, yamlfile.MAX_BYTES), rel,
                                      self._validated)
        text = blobs.show_text(self.root, rev, rel, yamlfile.MAX_BYTES)
        if text is None and self.new_from is not None:
            text = blobs.show_text(self.root, self.new_from, rel, yamlfile.MAX_BYTES)
        if text is None:
            if rev == blobs.INDEX:
                raise BadInput(f"{rel}: no such plan file in the index (named by {named_by}); "
                               f"git add it first")
            raise BadInput(
                f"{rel}: no such plan file at the base commit {rev[:9]} (named by {named_by}); "
                f"changes are judged by the plans their base already has: merge the plan first"
            )
        return plan_mod.load_text(text, rel, self._validated)

    def _fingerprint(self) -> tuple[list[str], str]:
        """(every plan file, a digest of what they all hold): one git call at a revision or
        in the index, the files' bytes in the working tree."""
        if self.rev is None:
            rels = self.files()
            parts = [part for rel in rels
                     for part in (rel, files.read(self.root / rel, rel, inside=self.root))]
        else:
            rels = sorted(self._blobs)
            parts = [part for rel in rels for part in (rel, self._blobs[rel])]
        return rels, state.digest("forbids-1", __version__, *parts)

    def forbids(self) -> list[tuple[str, tuple[str, ...]]]:
        """(plan path, its plan-level forbid) of every plan that is not done: forbidden for
        every change. Remembered under a digest of the plan files, so an unchanged set of
        plans is not parsed again; a plan that cannot be read is an error (a rule unknown
        cannot be kept)."""
        rels, key = self._fingerprint()
        cache = Cache.of(self.root, "forbids")
        found = cache.get(key)
        if isinstance(found, list):
            return [(str(rel), tuple(str(p) for p in patterns)) for rel, patterns in found]
        plans = [self.get(rel, self.config.plans_dir) for rel in rels]
        out = [(p.path, p.forbid) for p in plans if p.status != "done" and p.forbid]
        cache.put(key, [[rel, list(patterns)] for rel, patterns in out])
        return out

    @functools.cached_property
    def _validated(self) -> Cache:
        return Cache.of(self.root, "valid")

    def files(self) -> list[str]:
        """Repo-relative paths of every plan file (at ``rev`` when set)."""
        if self.rev is None:
            return plan_mod.plan_files(self.root, self.config.plans_dir)
        return sorted(self._blobs)

    def text(self, rel: str) -> str:
        """A plan file's text, undecodable bytes replaced (for a cheap look before loading)."""
        if self.rev is None:
            return files.read(self.root / rel, rel, inside=self.root).decode("utf-8", "replace")
        raw = self._bytes.get(rel)
        if raw is None:
            raw = blobs.show(self.root, self.rev, rel) or b""
        return raw.decode("utf-8", "replace")


def _clean(rel: str, named_by: str) -> str:
    path = PurePosixPath(rel.strip())
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BadInput(f"{rel!r} (named by {named_by}): a plan is named by its repo-relative path")
    return path.as_posix()


def select_slices(plan: Plan, slice_id: str | None) -> tuple[Slice, ...]:
    ids = ", ".join(s.id for s in plan.slices)
    if slice_id:
        found = plan.slice(slice_id)
        if found is None:
            raise BadInput(f"{plan.path}: no slice {slice_id!r} (slices: {ids})")
        return (found,)
    if len(plan.slices) == 1:
        return plan.slices
    raise BadInput(
        f"{plan.path} has {len(plan.slices)} slices; name one, e.g. "
        f"'{TRAILER}: {plan.path}#{plan.slices[0].id}' (slices: {ids})"
    )


def parse_ref(ref: str) -> tuple[str, str | None] | None:
    """``plans/x.yaml#slice`` → (path, slice id); ``plans/x.yaml`` → (path, None); ``none``
    (any case) → None."""
    text = ref.strip()
    if text.lower() == NONE:
        return None
    path, _, slice_id = text.partition("#")
    return path.strip(), slice_id.strip() or None


def from_ref(ref: str, plans: Plans, source: str) -> Claim:
    """``plans/x.yaml#slice`` (or ``none``) → Claim."""
    parsed = parse_ref(ref)
    if parsed is None:
        return Claim(None, (), source)
    plan = plans.get(parsed[0], source)
    return Claim(plan, select_slices(plan, parsed[1]), source)


def from_active(root: Path, plans: Plans, env: Mapping[str, str]) -> Claim | None:
    """The active slice as a claim (it claims staged changes, never commits already made)."""
    located = repository.locate(root)
    found = state.active_ref(located[1], env) if located is not None else None
    return from_ref(found[0], plans, found[1]) if found else None


def from_trailers(values: Sequence[str], plans: Plans, where: str) -> Claim | None:
    if not values:
        return None
    if len(values) > 1:
        raise BadInput(f"{where}: {len(values)} '{TRAILER}:' trailers; a change claims one slice")
    return from_ref(values[0], plans, f"'{TRAILER}:' trailer of {where}")


def from_branch(branch: str | None, plans: Plans) -> Claim | None:
    """A slice whose ``branch:`` is the branch, or a branch named ``plan/<plan-id>/<slice-id>``.

    Only plan files whose text mentions the branch (or the plan id it names) are loaded:
    a broken plan elsewhere does not break every commit, and the hot path stays short.
    """
    if not branch:
        return None
    parts = branch.split("/")
    named_id = parts[1] if len(parts) == 3 and parts[0] == "plan" else None
    hits: list[tuple[Plan, Slice]] = []
    for rel in plans.files():
        text = plans.text(rel)
        if branch not in text and (named_id is None or named_id not in text):
            continue
        p = plans.get(rel, f"branch {branch}")
        hits += [(p, s) for s in p.slices if s.branch == branch or branch == f"plan/{p.id}/{s.id}"]
    if not hits:
        return None
    if len(hits) > 1:
        names = ", ".join(f"{p.path}#{s.id}" for p, s in hits)
        raise BadInput(f"branch {branch!r} maps to several slices: {names}")
    p, s = hits[0]
    return Claim(p, (s,), f"branch {branch}")


def repo_relative(root: Path, name: str) -> str:
    """A path given on the command line as planscope names files: repo-relative, the way
    trailers name plans; a path from the current folder (or an absolute one) is taken when
    it names an existing file and the repo-relative reading does not."""
    path = Path(name)
    if not path.is_absolute() and (root / name).exists():
        return _clean(name, "the command line")
    absolute = path if path.is_absolute() else Path.cwd() / path
    if path.is_absolute() or absolute.exists():
        try:
            return absolute.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise BadInput(f"{name}: not inside the repository {root}") from None
    return _clean(name, "the command line")


def command_line_ref(root: Path, ref: str | None) -> str | None:
    """``--plan PATH[#SLICE]`` with its path made repo-relative (see ``repo_relative``)."""
    parsed = parse_ref(ref) if ref is not None else None
    if ref is None or parsed is None:
        return ref
    path, slice_id = parsed
    return repo_relative(root, path) + (f"#{slice_id}" if slice_id else "")


def named_slice(root: Path, config: Config, ref: str) -> tuple[Plan, Slice]:
    """``PLAN#SLICE`` as given on the command line → the plan and its slice."""
    path, _, slice_id = ref.partition("#")
    plan = Plans(root, config).get(repo_relative(root, path), "the command line")
    return plan, select_slices(plan, slice_id or None)[0]
