"""The rules at one place: the config and the plans of a revision (a commit, the index, or
the working tree), each read once. Every entry point asks a ``Rulebook`` for the rules of a
change (``rules(parts)``: the one builder, ``checker.rules.ruleset``); which revision it
reads is the entry point's question (DESIGN §4):

- a commit being made (the hooks, ``check --staged``, ``explain``): the index;
- a commit on its own (``check --commit``, status, stats, trace): its first parent, the
  rules it was written under;
- a range, a push, a pull request: the base it lands on.

Plans that a change adds are read from the change itself when the entry point allows it
(``new_from``). A plan or config file that is a symbolic link is refused wherever it is read:
what a link says differs between the index (its text) and the working tree (its target).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from checker import files, state
from checker.errors import BadInput, PlanscopeError
from checker.git import blobs
from checker.rules import config as config_mod
from checker.rules import plan as plan_mod
from checker.rules import yamlfile
from checker.rules.config import CONFIG_FILE, PYPROJECT_SOURCE, Config
from checker.rules.globs import Fold, fold_of
from checker.rules.plan import Plan
from checker.rules.ruleset import Part, RuleSet, rules_for
from checker.state import Cache

WORKTREE = None  # as a revision: the working tree


class _Read:
    """What a rulebook has read at its revision: shared by its views."""

    def __init__(self, config: Config | None, fold: Fold | None) -> None:
        self.config = config
        self.fold = fold
        self.entries: dict[str, tuple[str, str]] | None = None
        self.bytes: dict[str, bytes] | None = None
        # read with the config, in the same two git calls: the plans of the default folder
        self.guessed: tuple[dict[str, tuple[str, str]], dict[str, bytes]] | None = None
        self.loaded: dict[str, Plan] = {}  # plans at rev
        self.rules: dict[str, RuleSet] = {}
        self.validated: Cache | None = None


class Rulebook:
    """The config and plans of ``rev`` (None: the working tree; ``blobs.INDEX``: the index),
    with plans ``rev`` lacks read from ``new_from`` when given."""

    def __init__(self, root: Path, rev: str | None = WORKTREE, *, config: Config | None = None,
                 new_from: str | None = None, fold: Fold | None = None) -> None:
        self.root = root
        self.rev = rev
        self.new_from = new_from
        self._read = _Read(config, fold)
        self._added: dict[str, Plan] = {}  # plans only new_from has: this view's own

    def view(self, new_from: str | None) -> Rulebook:
        """The same rules, with plans ``rev`` lacks read from ``new_from``: what a commit is
        judged by when its base is this book (it may claim a plan it adds itself). Everything
        read at ``rev`` is shared with this book and its other views."""
        other = copy.copy(self)
        other.new_from = new_from
        other._added = {}
        return other

    # --- the config -------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        if self._read.config is None:
            self._read.config = self._read_config()
        return self._read.config

    def _read_config(self) -> Config:
        if self.rev is None:
            for name in (CONFIG_FILE, "pyproject.toml"):
                if (self.root / name).is_symlink():
                    raise BadInput(_link(name))
            return config_mod.load(self.root)
        # the plans of the default folder are listed and read with the config (most configs
        # keep it): two git calls where there were four
        found = blobs.entries(self.root, self.rev, [CONFIG_FILE, "pyproject.toml",
                                                    Config.plans_dir])
        plans = {rel: e for rel, e in found.items()
                 if rel.startswith(f"{Config.plans_dir}/") and rel.endswith((".yaml", ".yml"))}
        read = blobs.read_blobs(self.root, sorted({oid for mode, oid in found.values()
                                                   if mode != blobs.LINK}))
        self._read.guessed = plans, read
        for name, source in ((CONFIG_FILE, CONFIG_FILE), ("pyproject.toml", PYPROJECT_SOURCE)):
            if name not in found:
                continue
            mode, oid = found[name]
            if mode == blobs.LINK:
                raise BadInput(_link(f"{name} ({blobs.where(self.rev)})"))
            raw = read.get(oid)
            if raw is None:  # a damaged or partial clone: unread rules are no rules to skip
                raise BadInput(f"{name} ({blobs.where(self.rev)}): its object {oid[:12]} "
                               f"cannot be read from this clone; fetch it (git fetch) or "
                               f"repair the repository")
            text = blobs.text_of(raw, self.rev, name, yamlfile.MAX_BYTES)
            return config_mod.from_text(self.root, text, source)
        return Config()

    @property
    def fold(self) -> Fold:
        if self._read.fold is None:
            self._read.fold = fold_of(self.root)
        return self._read.fold

    # --- the plans --------------------------------------------------------------------------

    @property
    def _entries(self) -> dict[str, tuple[str, str]]:
        """Plan file → (mode, blob id) at ``rev``: one git call for every plan."""
        if self._read.entries is None:
            assert self.rev is not None
            guessed = self._read.guessed
            if guessed is not None and self.config.plans_dir == Config.plans_dir:
                self._read.entries = guessed[0]
                return guessed[0]
            found = blobs.entries(self.root, self.rev, [self.config.plans_dir])
            self._read.entries = {rel: e for rel, e in found.items()
                                  if rel.endswith((".yaml", ".yml"))}
        return self._read.entries

    @property
    def _bytes(self) -> dict[str, bytes]:
        """Plan file → its bytes at ``rev``, every plan read by one git call."""
        if self._read.bytes is None:
            ids = sorted({oid for mode, oid in self._entries.values() if mode != blobs.LINK})
            guessed = self._read.guessed
            found = guessed[1] if guessed is not None and guessed[0] is self._entries else \
                blobs.read_blobs(self.root, ids)
            self._read.bytes = {rel: found[oid] for rel, (_, oid) in self._entries.items()
                                if oid in found}
        return self._read.bytes

    def files(self) -> list[str]:
        """Repo-relative paths of every plan file."""
        if self.rev is None:
            return plan_mod.plan_files(self.root, self.config.plans_dir)
        return sorted(self._entries)

    def indexed(self, rel: str) -> bool:
        """Whether ``rel`` is one of the plan files read at ``rev`` (not from elsewhere)."""
        return self.rev is not None and rel in self._entries

    def text(self, rel: str) -> str:
        """A plan file's text, undecodable bytes replaced (for a cheap look before loading)."""
        if self.rev is None:
            return files.read(self.root / rel, rel, inside=self.root).decode("utf-8", "replace")
        raw = self._bytes.get(rel)
        if raw is None:
            raw = blobs.show(self.root, self.rev, rel) or b""
        return raw.decode("utf-8", "replace")

    def plan(self, rel: str, named_by: str) -> Plan:
        """The plan at ``rel`` (repo-relative), loaded and validated once; BadInput naming
        who asked when there is none or it is not valid."""
        rel = clean(rel, named_by)
        if not is_plan_path(rel, self.config.plans_dir):
            raise BadInput(f"{rel} (named by {named_by}): not a plan file; plans are the .yaml "
                           f"and .yml files under {self.config.plans_dir}/ (plans_dir)"
                           f"{self._closest(rel)}")
        found = self._read.loaded.get(rel) or self._added.get(rel)
        if found is None:
            found, at_rev = self._load(rel, named_by)
            (self._read.loaded if at_rev else self._added)[rel] = found
        return found

    def _load(self, rel: str, named_by: str) -> tuple[Plan, bool]:
        """The plan, and whether it was read at ``rev`` (not from ``new_from``)."""
        if self.rev is None:
            path = self.root / rel
            if path.is_symlink():
                raise BadInput(_link(rel))
            if not path.exists():
                raise BadInput(f"{rel}: no such plan file (named by {named_by})"
                               f"{self._closest(rel)}")
            return plan_mod.load(self.root, rel, self._validated), True
        entry = self._entries.get(rel)
        if entry is not None and entry[0] == blobs.LINK:
            raise BadInput(_link(f"{rel} ({blobs.where(self.rev)})"))
        raw = self._bytes.get(rel)
        if raw is not None:
            got = blobs.text_of(raw, self.rev, rel, yamlfile.MAX_BYTES)
            return plan_mod.load_text(got, rel, self._validated), True
        if entry is not None:  # listed at rev, its object missing: never "no such plan"
            raise BadInput(f"{rel} ({blobs.where(self.rev)}): its object {entry[1][:12]} "
                           f"cannot be read from this clone; fetch it (git fetch) or repair "
                           f"the repository")
        at_rev = True
        text = blobs.show_text(self.root, self.rev, rel, yamlfile.MAX_BYTES)
        if text is None and self.new_from is not None:
            text, at_rev = blobs.show_text(self.root, self.new_from, rel, yamlfile.MAX_BYTES), False
        if text is None:
            raise self._no_plan(rel, named_by)
        return plan_mod.load_text(text, rel, self._validated), at_rev

    def _closest(self, rel: str) -> str:
        """``; did you mean P?`` naming the plan file whose name is closest to ``rel``."""
        try:
            files = {f.rsplit("/", 1)[-1].rsplit(".", 1)[0]: f for f in self.files()}
        except PlanscopeError:
            return ""
        stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        import difflib  # only to name a near miss

        found = difflib.get_close_matches(stem, list(files), n=1, cutoff=0.8)
        return f"; did you mean {files[found[0]]}?" if found and files[found[0]] != rel else ""

    def _no_plan(self, rel: str, named_by: str) -> BadInput:
        """What to say of a plan ``rev`` does not have."""
        if self.rev == blobs.INDEX and (self.root / rel).exists():
            return BadInput(f"{rel}: no such plan file in the index (named by {named_by}); git "
                            f"add it first")
        if self.rev == blobs.INDEX:
            return BadInput(f"{rel}: no such plan file (named by {named_by})"
                            f"{self._closest(rel)}")
        return BadInput(
            f"{rel}: no such plan file at {(self.rev or '')[:9]}, the commit the rules are read "
            f"from (named by {named_by}){self._closest(rel)}; a change is judged by the plans "
            f"its base already has: merge the plan first")

    @property
    def _validated(self) -> Cache:
        if self._read.validated is None:
            self._read.validated = Cache.of(self.root, "valid")
        return self._read.validated

    # --- what every change is judged by --------------------------------------------------------

    def plan_forbids(self) -> list[tuple[str, tuple[str, ...]]]:
        """(plan path, its plan-level forbid) of every plan that is not done: forbidden for
        every change. Remembered under a digest of the plan files, so an unchanged set of
        plans is not parsed again; a plan that cannot be read is an error (a rule unknown
        cannot be kept)."""
        rels, key = self._fingerprint()
        cache = Cache.of(self.root, "forbids")
        found = cache.get(key)
        if isinstance(found, list):
            return [(str(rel), tuple(str(p) for p in patterns)) for rel, patterns in found]
        plans = [self.plan(rel, self.config.plans_dir) for rel in rels]
        out = [(p.path, p.forbid) for p in plans if p.status != "done" and p.forbid]
        cache.put(key, [[rel, list(patterns)] for rel, patterns in out])
        return out

    def _fingerprint(self) -> tuple[list[str], str]:
        """(every plan file, a digest of what they all hold)."""
        if self.rev is None:
            rels = self.files()
            parts = [part for rel in rels
                     for part in (rel, files.read(self.root / rel, rel, inside=self.root))]
        else:
            rels = sorted(self._entries)
            for rel in rels:
                if self._entries[rel][0] == blobs.LINK:
                    raise BadInput(_link(f"{rel} ({blobs.where(self.rev)})"))
            parts = [part for rel in rels for part in (rel, self._entries[rel][1])]
        return rels, state.key("forbids", *parts)

    def rules(self, parts: Sequence[Part] = ()) -> RuleSet:
        """The rules of a change that claims ``parts`` (none: a change claiming no slice),
        built once per claim."""
        key = "\n".join(f"{p.ref}@{id(p.plan)}" for p in parts)
        if key not in self._read.rules:
            self._read.rules[key] = rules_for(self.config, self.plan_forbids(), parts, self.fold)
        return self._read.rules[key]


def clean(rel: str, named_by: str) -> str:
    """A plan reference's path, repo-relative and normalised; BadInput for anything else."""
    path = PurePosixPath(rel.strip())
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BadInput(f"{rel!r} (named by {named_by}): a plan is named by its repo-relative path")
    return path.as_posix()


def is_plan_path(rel: str, plans_dir: str) -> bool:
    """Whether ``rel`` is where a plan may be: a .yaml or .yml file under ``plans_dir``
    (another YAML file of the repository, an exempt one say, claims nothing)."""
    folder = plans_dir.strip("/")
    inside = folder in ("", ".") or rel.startswith(folder + "/")
    return inside and rel.endswith((".yaml", ".yml"))


def _link(name: str) -> str:
    return (f"{name}: a symbolic link; planscope reads its rules only from regular files "
            f"(what a link holds differs between the index and the working tree)")


class Rulebooks:
    """The rulebooks of many revisions, one per distinct set of rule files: the commits of a
    history share them (rules change far less often than code). Which set a revision has is
    asked of git for every revision at once (``git cat-file --batch-check``), twice: the
    config files, then the plans folder each config names."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._books: dict[tuple[str | None, ...], Rulebook] = {}
        self._fold: Fold | None = None

    def at(self, revisions: Sequence[str]) -> list[Rulebook]:
        """The rulebook of each revision, in order."""
        if not revisions:
            return []
        names = (CONFIG_FILE, "pyproject.toml")
        ids = blobs.object_ids(self.root, [f"{r}:{n}" for r in revisions for n in names])
        configs = [(ids[2 * i], ids[2 * i + 1]) for i in range(len(revisions))]
        dirs: dict[tuple[str | None, str | None], str] = {}
        for rev, pair in zip(revisions, configs, strict=True):
            if pair not in dirs:
                dirs[pair] = self._plans_dir(rev, pair)
        trees = blobs.object_ids(self.root, [f"{r}:{dirs[pair]}" for r, pair in
                                             zip(revisions, configs, strict=True)])
        out = []
        for rev, pair, tree in zip(revisions, configs, trees, strict=True):
            key = (*pair, dirs[pair], tree)
            if key not in self._books:
                if self._fold is None:
                    self._fold = fold_of(self.root)
                self._books[key] = Rulebook(self.root, rev, fold=self._fold)
            out.append(self._books[key])
        return out

    def _plans_dir(self, rev: str, pair: tuple[str | None, str | None]) -> str:
        """The plans folder the config at ``rev`` names (the default when it cannot say)."""
        if pair == (None, None):
            return Config.plans_dir
        try:
            return Rulebook(self.root, rev).config.plans_dir
        except BadInput:
            return Config.plans_dir
