"""``planscope check``: the changes of a target against the slices they claim."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from checker import errors
from checker.errors import Outcome, PlanscopeError, error_text
from checker.git import repository
from checker.judge import claims, pipeline, targets
from checker.judge.changes import Target
from checker.judge.pipeline import Options
from checker.record import replace
from checker.render import text

# The pull request's modules (branch, event, the GitHub and JSON renderers) are imported
# where they are used: ``check --staged`` runs on every commit and needs none of them.


def check(root: Path, target: Target, opts: Options, fmt: str,
          rules_from: str = "base", every: bool = False) -> Outcome:
    """``--format text`` or ``json``. ``--base REF`` gives the pull request check's decision
    (rules and plans from REF, the same result words) unless ``rules_from`` is
    ``worktree``; the other targets read the rules ``checker.judge.targets`` says."""
    opts = replace(opts, plan_ref=claims.command_line_ref(root, opts.plan_ref))
    if target.kind == "base" and rules_from == "base":
        from checker import event
        from checker.judge import pull_request
        from checker.render import json as as_json

        judged = pull_request.judge(root, target, opts, event.Event())
        if fmt == "json":
            return Outcome(judged.code, as_json.branch_json(judged) + "\n")
        return Outcome(judged.code, *text.branch_text(judged, every))
    results, book = targets.judge_target(root, target, opts)
    code = pipeline.exit_code(results)
    if fmt == "json":
        from checker.render import json as as_json

        per_commit = target.kind in ("range", "base") and opts.plan_ref is None
        return Outcome(code, as_json.to_json(results, code, per_commit) + "\n")
    out, err = text.to_text(results, every)
    if target.kind == "staged":
        err += errors.text(f"planscope: {n}" for n in targets.unstaged_note(root, book.config))
    if target.kind == "base":  # the same result word, for the rules of the working tree
        from checker import event
        from checker.judge import pull_request

        judged = pull_request.BranchResult(results, code, book.config, opts, event.Event())
        word = pull_request.result_word(judged)
        out += f"planscope: result: {word} (rules from the working tree)\n"
    return Outcome(code, out, err)


def check_github(target: Target | None, opts: Options, env: Mapping[str, str]) -> Outcome:
    """``--format github``: the GitHub Action's check. Without a target, the base comes from
    the pull_request or merge_group event. Bad input is reported to GitHub too (annotation,
    summary, ``result=error``)."""
    from checker import event
    from checker.judge import pull_request
    from checker.render import github

    try:
        root = repository.repo_root()
        opts = replace(opts, plan_ref=claims.command_line_ref(root, opts.plan_ref))
        out = pull_request.judge(root, target, opts, event.read_event(env))
    except PlanscopeError as exc:
        said = github.write_error(exc, env, {"result": "error", "drift-count": "0"})
        return Outcome(exc.exit_code, said, error_text(str(exc), exc.hint))
    return Outcome(out.code, github.write(out, env))
