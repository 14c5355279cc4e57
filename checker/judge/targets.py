"""Which rules judge which changes: one history semantics for every entry point (DESIGN §4).

- The commit being made (the hooks, ``check --staged``): the rules staged in the index.
- A commit on its own (``check --commit``, status, stats, trace, pr-body's history): the
  rules of its first parent, the ones it was written under; a plan the commit adds itself
  is read from the commit.
- A range (``check --range A..B``), a push, a pull request (``checker.judge.pull_request``):
  the rules of the base it lands on; a rule changed inside it takes effect once it has landed.
  When that base has no planscope config yet, a range or a push is judged commit by commit
  (the adoption inside it brings the rules); a pull request is the adoption's and passes.

Commits reachable from the baseline are never judged (the baseline the rules name, else the
one the head of the history names: a history that starts before the adoption), and a change
whose rules revision has no planscope config is not judged either (there are no rules yet;
``--plan`` judges it by the defaults), unless it brings the config itself: the adoption is
judged by the rules it adopts.

The branch claims a commit without trailers only when the commit was made on it: for a
commit already made, when it is on the checked-out branch and not on the default branch
(``origin/HEAD``, else ``main`` or ``master``): the commits its pull request would hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from checker.git import blobs, diffs, repository, revs
from checker.git.formats import Change, Commit, parse_range
from checker.judge import adoption, changes, merged_branches
from checker.judge.changes import Target
from checker.judge.pipeline import Judge, Options, UnitResult
from checker.record import replace
from checker.rules.book import Rulebook, Rulebooks
from checker.rules.config import CONFIG_FILE, PYPROJECT_SOURCE, Config


def base_of(root: Path, commit: Commit) -> str:
    """The revision whose rules judge ``commit`` on its own: its first parent (the empty
    tree for a root commit: no rules yet)."""
    return commit.parents[0] if commit.parents else repository.empty_tree(root)


def branch_commits(root: Path) -> tuple[str | None, set[str] | None]:
    """(the checked-out branch, the commits it may claim: those not on the default branch);
    None for the set when every commit may be claimed (no default branch is known, or this
    is it)."""
    branch = repository.current_branch(root)
    if branch is None:
        return None, set()
    default = repository.remote_default(root, "origin")
    if default is None:
        default = next((name for name in ("main", "master") if name != branch
                        and repository.commit_exists(root, f"refs/heads/{name}")), None)
    if default is None or default in (branch, f"origin/{branch}"):
        return branch, None
    return branch, {c.sha for c in revs.log(root, f"refs/heads/{branch}", "--not", default)}


def baselined(root: Path, rules: Config, head: str | None) -> Config:
    """The config whose baseline leaves commits out: ``rules`` when there are rules, else the
    one ``head`` holds (a history that starts before planscope was adopted; a baseline it
    names is honoured only at or before the adoption, see ``checker.judge.adoption``)."""
    if rules.found or rules.baseline or head is None:
        return rules
    return Rulebook(root, head).config


def judge_commits(root: Path, commits: Sequence[Commit], opts: Options,
                  known: Mapping[str, list[Change]] | None = None) -> list[UnitResult]:
    """Each commit on its own, by the rules of its first parent (one rulebook per distinct
    set of rule files; the adoption commit by the rules it adopts); the checked-out branch
    claims only the commits made on it."""
    shelf = Rulebooks(root)
    books = shelf.at([base_of(root, c) for c in commits])
    branch, eligible = (opts.branch, None) if opts.branch is not None else branch_commits(root)
    merged = merged_branches.merged_branches(commits)
    head = "HEAD" if repository.has_commits(root) else None
    fallback: list[Config] = []  # the head's config, read once, for commits before any rules
    out = []
    for commit, book in zip(commits, books, strict=True):
        if not book.config.found:  # rules in force below, else the adoption's own
            in_force = adoption.last_rules(root, base_of(root, commit)) \
                if commit.parents else None
            (book,) = shelf.at([in_force]) if in_force else (book,)
            if not book.config.found:
                (own,) = shelf.at([commit.sha])
                book = own if own.config.found else book
        unit = changes.commit_unit(root, commit, known)
        rules = book.config
        if not rules.found and not rules.baseline and head is not None:
            fallback = fallback or [baselined(root, rules, head)]
            rules = fallback[0]
        early = rules.baseline or "" if adoption.before_baseline(root, rules, commit.sha) else ""
        mine = eligible is None or commit.sha in eligible
        name = merged.get(commit.sha) or (branch or "" if mine else "")
        if len(commits) == 1 and head is not None:  # check --commit, trace: a merge after it
            name = merged_branches.merge_of(root, commit, head) or name
        judge = Judge(root, book.view(new_from=commit.sha), replace(opts, branch=name))
        out.append(judge.check(replace(unit, before_baseline=early)))
    return out


def judge_target(root: Path, target: Target,
                 opts: Options) -> tuple[list[UnitResult], Rulebook]:
    """The units of ``target`` judged (see the module docstring for the rules of each), and
    the rulebook of the target as a whole."""
    whole = opts.plan_ref is not None
    if target.kind == "staged":
        book = Rulebook(root, blobs.INDEX)
        return [Judge(root, book, opts).check(changes.staged_unit(root))], book
    if target.kind == "commit":
        commit = revs.log(root, "-1", revs.rev_parse(root, target.rev))[0]
        book = Rulebooks(root).at([base_of(root, commit)])[0].view(new_from=commit.sha)
        return judge_commits(root, [commit], opts), book
    if target.kind == "range":
        a, b = parse_range(target.rev)
        tip: str | None = revs.rev_parse(root, b)
        book = Rulebook(root, revs.rev_parse(root, a))
        if not book.config.found:  # a config deleted below: the rules in force then
            in_force = adoption.last_rules(root, book.rev or "")
            book = Rulebook(root, in_force) if in_force else book
        if not book.config.found and not whole:  # no rules yet: each commit on its own
            rules = baselined(root, book.config, tip)
            commits = revs.log(root, *adoption.commits_after(root, rules), target.rev)
            return judge_commits(root, commits, opts), book
        if book.config.plans_in_pr == "allow-new":  # as the pull request check reads them
            book = book.view(new_from=tip)
    else:  # --base REF --rules-from worktree (the pull request check reads REF's rules)
        book, tip = Rulebook(root), None
    units = changes.units(root, target, baselined(root, book.config, tip), whole=whole)
    return judge_units(root, book, opts, units), book


def judge_units(root: Path, book: Rulebook, opts: Options,
                units: Sequence[changes.Unit]) -> list[UnitResult]:
    """``units`` of a range by the rules of ``book``; unless ``opts`` names the branch (a
    push, a pull request), the checked-out branch claims only the commits made on it."""
    if opts.plan_ref is not None:
        whole = Judge(root, book, opts)
        return [whole.check(u) for u in units]
    branch, eligible = (opts.branch, None) if opts.branch is not None else branch_commits(root)
    merged = _merged(root, units)
    judge = judges(root, book, opts)
    return [judge(merged.get(u.sha or "") or (branch or "" if eligible is None
                                              or u.sha in eligible else "")).check(u)
            for u in units]


def judges(root: Path, book: Rulebook, opts: Options) -> Callable[[str], Judge]:
    """A judge per branch name (the branch claims a commit made on it), built once each."""
    made: dict[str, Judge] = {}

    def judge(branch: str) -> Judge:
        if branch not in made:
            made[branch] = Judge(root, book, replace(opts, branch=branch))
        return made[branch]

    return judge


def _merged(root: Path, units: Sequence[changes.Unit]) -> dict[str, str]:
    """For the commits of a range: the branch the merge among them that brought each names."""
    merges = [u.sha for u in units if u.merge and u.sha]
    if not merges:
        return {}
    shas = [u.sha for u in units if u.sha]
    return merged_branches.merged_branches(revs.log(root, "--no-walk=unsorted", *shas))


def unstaged_note(root: Path, rules: Config) -> list[str]:
    """A note naming the rule files whose working-tree copy differs from the staged one (a
    staged change is judged by the staged rules)."""
    files = [rules.plans_dir, CONFIG_FILE]
    if rules.source == PYPROJECT_SOURCE:
        files.append("pyproject.toml")
    unstaged = diffs.unstaged(root, files)
    return [f"note: {', '.join(unstaged)} differ{'s' * (len(unstaged) == 1)} from what is "
            f"staged; the commit is checked with the staged version (git add to use yours)"
            ] if unstaged else []
