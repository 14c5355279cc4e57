"""Is everything in place (``planscope doctor``)? One finding per check, with its fix: git,
the config, the plans, the git hooks, the agents' guards, the model API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from checker.agents import hookconfig
from checker.errors import PlanscopeError
from checker.git import hookfiles, process, repository
from checker.model import ask
from checker.record import record
from checker.rules import config
from checker.rules.validation import validate

API_TIMEOUT_S = 5.0
GUARD_TIMEOUT_S = 30.0  # a guard that cannot answer a Read in this long is not working
DEFAULT_API = "https://api.anthropic.com"
STAGES = ("pre-commit", "commit-msg", "pre-push")


@record(frozen=True)
class Line:
    level: str  # OK | WARN | FAIL
    what: str
    fix: str = ""


def _git_version() -> Line:
    try:
        out = process.run(None, "--version").decode().strip()
    except PlanscopeError as exc:
        return Line("FAIL", str(exc), "install git")
    return Line("OK", out)


def _hooks(root: Path) -> list[Line]:
    found = hookfiles.installed(root)
    folder = Path(found.pop(""))
    uses_framework = "planscope" in _text(root / ".pre-commit-config.yaml")
    lines = [Line("OK", f"{stage} hook: {how} ({folder / stage})") for stage, how in found.items()]
    missing = [s for s in hookfiles.STAGES if s not in found]
    for stage in missing:
        path = folder / stage
        if path.is_file() and not os.access(path, os.X_OK):
            lines.append(Line("WARN", f"{stage} hook {path} is not executable: git skips it",
                              f"chmod +x {path}"))
    if missing:
        fix = (
            "pre-commit install --hook-type " + " --hook-type ".join(missing)
            if uses_framework
            else "planscope install, or add the hooks to .pre-commit-config.yaml"
        )
        lines.append(Line("WARN", f"no planscope hook for: {', '.join(missing)}", fix))
    return lines


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    except OSError:
        return ""


def _agent_hooks(root: Path) -> list[Line]:
    """The edit-time guard in each agent's settings: installed, absent, or unreadable."""
    lines = []
    for agent, name in hookconfig.AGENT_HOOKS.items():
        flag = "--codex" if agent == "Codex" else "--claude-code"
        if not (root / name).exists():
            lines.append(Line("OK", f"{agent} guard: not installed ({name} does not exist; "
                                    f"planscope init {flag} adds it)"))
        elif hookconfig.guard_installed(root, name):
            trust = "; Codex runs it only once trusted (/hooks)" if agent == "Codex" else ""
            started = [_starts(root, agent, c) for c in hookconfig.guard_commands(root, name)]
            failed = next((line for line in started if line is not None), None)
            lines.append(failed or Line("OK", f"{agent} guard: installed in {name}, and its "
                                              f"command starts{trust}"))
        else:
            lines.append(Line("WARN", f"{agent} guard: {name} does not run "
                                      f"'{hookconfig.GUARD_COMMAND}'", f"planscope init {flag}"))
    return lines


def _run_hook(root: Path, agent: str, command: str,
              call: dict[str, object]) -> subprocess.CompletedProcess[bytes] | str:
    """Run a hook command the way the agent runs it (``sh -c``, this environment, from the
    project folder) on ``call``; the reason as text when it did not answer."""
    probe = json.dumps({"hook_event_name": "PreToolUse", "cwd": str(root), **call})
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(root)} if agent == "Claude Code" \
        else dict(os.environ)
    try:
        return subprocess.run(["sh", "-c", command], input=probe.encode(), cwd=root, env=env,
                              capture_output=True, timeout=GUARD_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)


def _starts(root: Path, agent: str, command: str) -> Line | None:
    """Run a guard command as its agent would, twice: a harmless call must pass (else the
    guard is off, 126/127, or refuses every edit) and a write to the git hooks folder must be
    refused (else it is not the guard). A FAIL saying which, or None."""
    harmless = _run_hook(root, agent, command, {"tool_name": "Read", "tool_input": {
        "file_path": str(root / "README.md")}})
    if isinstance(harmless, str):
        return Line("FAIL", f"{agent} guard: {command!r} did not answer ({harmless})",
                    "run it by hand to see why")
    said = harmless.stderr.decode("utf-8", "replace").strip().splitlines()
    last = said[-1][:200] if said else ""
    if harmless.returncode in (126, 127):
        return Line("FAIL", f"{agent} guard: {command!r} would not start (exit "
                            f"{harmless.returncode}: {last or 'not found'}); "
                            f"the agent treats that as allow, so the guard is off",
                    "put planscope on the agent's PATH, or give the command the path to "
                    "planscope (planscope init writes it when planscope is in the project)")
    if harmless.returncode != 0:
        return Line("FAIL", f"{agent} guard: {command!r} refuses a harmless call (exit "
                            f"{harmless.returncode}: {last}): every edit would be refused",
                    f"fix or remove that hook in {hookconfig.AGENT_HOOKS[agent]}")
    hooks = repository.git_path(root, "hooks") / "planscope-doctor-probe"
    gate = _run_hook(root, agent, command, {"tool_name": "Write", "tool_input": {
        "file_path": str(hooks), "content": "exit 0\n"}})
    if isinstance(gate, str) or gate.returncode != 2 or b"refused" not in gate.stderr:
        code = gate if isinstance(gate, str) else f"exit {gate.returncode}"
        return Line("FAIL", f"{agent} guard: {command!r} does not refuse a write to the git "
                            f"hooks folder ({code}): it is not planscope's guard",
                    f"planscope init {'--codex' if agent == 'Codex' else '--claude-code'}")
    return None


def _key_line(key: str | None, needed: bool, on_demand: list[str]) -> Line:
    if key:
        return Line("OK", "ANTHROPIC_API_KEY is set")
    if needed:
        return Line("WARN", "ANTHROPIC_API_KEY is not set: the verification pass cannot run",
                    "export ANTHROPIC_API_KEY=... (or use on_drift: block)")
    return Line("OK", f"ANTHROPIC_API_KEY is not set: only {' and '.join(on_demand)} would "
                      f"need it (the verification pass does not)")


def anthropic_uses(cfg: config.Config | None) -> tuple[bool, list[str]]:
    """(whether every check needs the Anthropic API: the verification pass uses it; what
    run on demand uses it: planscope review, the plan reviewers that name it)."""
    if cfg is None:
        return True, []
    needed = cfg.on_drift == "verify" and cfg.verify.provider == "anthropic"
    on_demand = ["planscope review"] if cfg.verify.provider == "anthropic" else []
    named = [r.name for r in cfg.review.plan.reviewers if r.provider == "anthropic"]
    if named:
        on_demand.append(f"plan-review ({', '.join(named)})")
    return needed, on_demand


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: it would send the API key to whatever host it names."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> None:
        raise urllib.error.URLError(f"redirected ({code}) to {newurl}; not followed, so the "
                                    f"API key is sent nowhere else")


def _probe(base: str, key: str | None) -> tuple[int | None, str, float]:
    """(HTTP status or None, why it failed, seconds) of GET /v1/models; a redirect is a
    failure, never followed."""
    request = urllib.request.Request(
        base.rstrip("/") + "/v1/models",
        headers={"x-api-key": key or "", "anthropic-version": "2023-06-01"})
    opener = urllib.request.build_opener(_NoRedirect)
    start = time.monotonic()
    try:
        with opener.open(request, timeout=API_TIMEOUT_S) as resp:
            return resp.status, "", time.monotonic() - start
    except urllib.error.HTTPError as exc:
        return exc.code, "", time.monotonic() - start
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc)), time.monotonic() - start


def _api(offline: bool, say: Callable[[str], None], cfg: config.Config | None) -> list[Line]:
    """The key and whether the API answers; both matter only when checks call the model
    (on_drift: verify with the anthropic provider): otherwise a gap is a warning at most."""
    needed, on_demand = anthropic_uses(cfg)
    others = _openai_lines(cfg)
    if not needed and not on_demand:
        said = "verify and every reviewer run a command" if not others else \
            "its models are openai's or commands"
        return [Line("OK", f"no model call of this configuration uses the Anthropic API "
                           f"({said}): no key needed"), *others]
    return [*_anthropic_lines(offline, say, needed, on_demand), *others]


def _openai_lines(cfg: config.Config | None) -> list[Line]:
    """A line per key variable the openai uses name: set, or not (a WARN when the
    verification pass needs it)."""
    if cfg is None:
        return []
    uses: dict[str, list[str]] = {}
    needed: set[str] = set()
    v = cfg.verify
    if v.provider == "openai":
        env = v.api_key_env or "OPENAI_API_KEY"
        uses.setdefault(env, []).append("the verification pass" if cfg.on_drift == "verify"
                                        else "planscope review")
        if cfg.on_drift == "verify":
            needed.add(env)
    for r in cfg.review.plan.reviewers:
        if r.provider == "openai":
            uses.setdefault(r.api_key_env or "OPENAI_API_KEY", []).append(
                f"plan-review ({r.name})")
    out = []
    for env, who in uses.items():
        if os.environ.get(env):
            out.append(Line("OK", f"{env} is set (openai provider: {', '.join(who)})"))
        else:
            out.append(Line("WARN" if env in needed else "OK",
                            f"{env} is not set: {', '.join(who)} would need it",
                            f"export {env}=..." if env in needed else ""))
    return out


def _anthropic_lines(offline: bool, say: Callable[[str], None], needed: bool,
                     on_demand: list[str]) -> list[Line]:
    key = os.environ.get("ANTHROPIC_API_KEY") or os.environ.get("ANTHROPIC_AUTH_TOKEN")
    lines = [_key_line(key, needed, on_demand)]
    if not needed and not key:
        return lines  # nothing to reach with
    if offline or ask.offline():
        return [*lines, Line("WARN" if needed else "OK", "API reachability not checked "
                                                         "(offline)")]
    base = os.environ.get("ANTHROPIC_BASE_URL") or DEFAULT_API
    say(f"      checking {base.rstrip('/')}/v1/models (waits at most {API_TIMEOUT_S:.0f}s)...")
    status, reason, took = _probe(base, key)
    if status is None:  # refused or unresolvable at once, or no answer within the timeout
        after = (f"no answer within {API_TIMEOUT_S:.0f}s" if took >= API_TIMEOUT_S
                 else f"failed after {took:.1f}s")
        return [*lines, Line("FAIL" if needed else "WARN",
                             f"API not reachable at {base} ({after}): {reason}",
                             "check the network or ANTHROPIC_BASE_URL; doctor --offline "
                             "skips this")]
    if status in (401, 403):
        return [*lines, Line("WARN", f"API reachable at {base}, but the key was refused "
                                     f"({status})", "check ANTHROPIC_API_KEY")]
    return [*lines, Line("OK", f"API reachable at {base} (HTTP {status}, {took:.1f}s)")]


def checks(cwd: Path | None, offline: bool, say: Callable[[str], None]) -> Iterator[Line]:
    """Yield the checks one by one, so each shows as soon as it is known."""
    yield _git_version()
    yield Line("OK", f"python {sys.version.split()[0]}")
    try:
        root = repository.repo_root(cwd)
    except PlanscopeError as exc:
        yield Line("FAIL", str(exc), "run planscope inside a git repository")
        return
    yield Line("OK", f"repository {root}")
    try:
        cfg = config.load(root)
        yield Line("OK", f"config {cfg.source or '(none: defaults)'}")
    except PlanscopeError as exc:
        for problem in str(exc).splitlines():
            yield Line("FAIL", problem, "fix the config (schema: schemas/config.schema.json)")
        cfg = None
    if cfg is not None:
        result = validate(root, cfg, [], None)
        for p in result.valid:
            yield Line("OK", f"plan {p.path}")
        for problem in result.errors:
            yield Line(
                "FAIL" if "no plan files" not in problem else "WARN",
                problem,
                "planscope validate shows every problem"
                if "no plan files" not in problem
                else "planscope new TITLE",
            )
    yield from _hooks(root)
    yield from _agent_hooks(root)
    yield from _api(offline, say, cfg)
