"""Config: ``.planscope.yaml`` or ``[tool.planscope]`` in pyproject.toml, every key optional."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from checker import errors
from checker.errors import BadInput
from checker.record import field, record
from checker.rules import built, globlint, schemas, yamlfile
from checker.state import Cache

CONFIG_FILE = ".planscope.yaml"
DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_SECRET_PATHS = (".env*", "**/*.pem", "**/*.key", "**/id_rsa*")


@record(frozen=True)
class VerifyConfig:
    provider: str = "anthropic"
    model: str = DEFAULT_MODEL
    command: tuple[str, ...] | None = None
    timeout_s: float = 60.0
    on_error: str = "fail"
    min_confidence: float = 0.7
    max_diff_bytes: int = 200_000
    secret_paths: tuple[str, ...] = DEFAULT_SECRET_PATHS
    base_url: str | None = None  # the endpoint (else ANTHROPIC_BASE_URL / OPENAI_BASE_URL)
    api_key_env: str | None = None  # the key's variable (ANTHROPIC_API_KEY / OPENAI_API_KEY)


@record(frozen=True)
class GuardConfig:
    """The edit-time guard (``planscope guard``): what out-of-scope edits do."""

    mode: str = "block"  # block | warn (forbidden paths always block)
    require_active: bool = False  # block every edit while no slice is active
    unprotect: tuple[str, ...] = ()  # rule files and hook settings agents may edit


@record(frozen=True)
class Reviewer:
    """One blind reviewer of ``planscope plan-review``."""

    name: str
    provider: str = "anthropic"  # anthropic | openai | command
    model: str = DEFAULT_MODEL  # anthropic's default; openai: required; command: "" if unset
    command: tuple[str, ...] | None = None  # provider command: argv (default verify.command)
    base_url: str | None = None  # provider openai: the endpoint
    api_key_env: str | None = None  # provider openai: the key's variable
    focus: str = ""  # what this reviewer looks for: a named lens or free text


DEFAULT_REVIEWERS = (
    Reviewer("claude-sonnet-5-5", "anthropic", "claude-sonnet-5-5"),
    Reviewer("claude-opus-5-5", "anthropic", "claude-opus-5-5"),
)


@record(frozen=True)
class PlanReviewConfig:
    """``planscope plan-review``: who reviews, and where the verdicts' lines are drawn."""

    reviewers: tuple[Reviewer, ...] = DEFAULT_REVIEWERS
    ready_at: float = 0.8  # every reviewer at or above: ready
    disagree_at: float = 0.25  # a confidence spread at least this wide: disagree


@record(frozen=True)
class ReviewConfig:
    plan: PlanReviewConfig = field(default_factory=PlanReviewConfig)


@record(frozen=True)
class Handoff:
    """``handoff``: when a plan is handed off to its executor (checker.handoff)."""

    statuses: tuple[str, ...] = ("approved", "in-progress", "done")
    reviews: int = 0
    min_confidence: float = 0.8


@record(frozen=True)
class Config:
    plans_dir: str = "plans"
    always_allow: tuple[str, ...] = ()
    baseline: str | None = None  # commits reachable from it are never checked
    forbid: tuple[str, ...] = ()  # repo-wide: no change may touch these
    plans_in_pr: str = "block"  # block | allow-new
    require_plans_on_remote: bool = False  # prepush.require_plans_on_remote
    require_plan: bool = True
    exempt_paths: tuple[str, ...] = ()
    exempt_max_changed_lines: int = 0
    on_drift: str = "verify"
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    guard: GuardConfig = field(default_factory=GuardConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    handoff: Handoff = field(default_factory=Handoff)
    order: str = "warn"  # warn | block | off: a slice started before the slices it depends on
    stats_executors: tuple[tuple[str, str], ...] = ()  # stats.executors: fragment → executor
    prices: tuple[tuple[str, float, float], ...] = ()  # (model, input, output) per million tokens
    source: str | None = None  # where it was read from, for messages; None: no config
    data: Any = field(default=None, compare=False, repr=False)  # as parsed, with positions

    @property
    def found(self) -> bool:
        """Whether the repository has a planscope config at all (else: defaults)."""
        return self.source is not None

    def where(self, *path: Any) -> str:
        """``.planscope.yaml:LINE:COL`` of a value (pyproject.toml keeps no positions)."""
        if self.source != CONFIG_FILE:
            return self.source or "defaults"
        line, col = yamlfile.locate(self.data, path)
        return f"{self.source}:{line}:{col}"


def _from_dict(data: dict[str, Any], source: str) -> Config:
    exempt = data.get("exempt", {})
    v = data.get("verify", {})
    command = v.get("command")
    provider = v.get("provider", VerifyConfig.provider)
    if provider == "openai" and not v.get("model"):
        raise BadInput(f"{source}: verify.provider is 'openai' but verify.model is not set "
                       f"(a model is never taken from another vendor)")
    verify = VerifyConfig(
        provider=provider,
        model=v.get("model", VerifyConfig.model),
        command=tuple(command) if command else None,
        timeout_s=float(v.get("timeout_s", VerifyConfig.timeout_s)),
        on_error=v.get("on_error", VerifyConfig.on_error),
        min_confidence=float(v.get("min_confidence", VerifyConfig.min_confidence)),
        max_diff_bytes=int(v.get("max_diff_bytes", VerifyConfig.max_diff_bytes)),
        secret_paths=tuple(v.get("secret_paths", DEFAULT_SECRET_PATHS)),
        base_url=v.get("base_url"),
        api_key_env=v.get("api_key_env"),
    )
    if verify.provider == "command" and not verify.command:
        raise BadInput(f"{source}: verify.provider is 'command' but verify.command is not set")
    plan_review = data.get("review", {}).get("plan", {})
    reviewers = tuple(reviewer(r, verify, source) for r in plan_review.get("reviewers", ())) \
        or DEFAULT_REVIEWERS
    names = [r.name for r in reviewers]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BadInput(f"{source}: review.plan.reviewers: the name {twice[0]!r} is used twice; "
                       f"give each reviewer its own name")
    for r in reviewers:
        if r.provider == "command" and not r.command:
            raise BadInput(f"{source}: review.plan.reviewers: {r.name!r} uses the command "
                           f"provider but neither it nor verify.command sets a command")
    return Config(
        plans_dir=data.get("plans_dir", Config.plans_dir).strip("/") or ".",
        always_allow=tuple(data.get("always_allow", ())),
        baseline=data.get("baseline"),
        forbid=tuple(data.get("forbid", ())),
        plans_in_pr=data.get("plans_in_pr", Config.plans_in_pr),
        require_plans_on_remote=data.get("prepush", {}).get("require_plans_on_remote", False),
        require_plan=data.get("require_plan", Config.require_plan),
        exempt_paths=tuple(exempt.get("paths", ())),
        exempt_max_changed_lines=exempt.get("max_changed_lines", 0),
        on_drift=data.get("on_drift", Config.on_drift),
        verify=verify,
        guard=GuardConfig(
            mode=data.get("guard", {}).get("mode", GuardConfig.mode),
            require_active=data.get("guard", {}).get("require_active", GuardConfig.require_active),
            unprotect=tuple(data.get("guard", {}).get("unprotect", ())),
        ),
        review=ReviewConfig(PlanReviewConfig(
            reviewers=reviewers,
            ready_at=float(plan_review.get("ready_at", PlanReviewConfig.ready_at)),
            disagree_at=float(plan_review.get("disagree_at", PlanReviewConfig.disagree_at)),
        )),
        handoff=_handoff(data.get("handoff", {})),
        order=data.get("order", Config.order),
        stats_executors=tuple(data.get("stats", {}).get("executors", {}).items()),
        prices=tuple((str(m), float(p.get("input_per_mtok", 0)),
                      float(p.get("output_per_mtok", 0)))
                     for m, p in (data.get("prices") or {}).items()),
        source=source,
        data=data,
    )


def _handoff(data: dict[str, Any]) -> Handoff:
    return Handoff(statuses=tuple(data.get("statuses", Handoff.statuses)),
                   reviews=int(data.get("reviews", Handoff.reviews)),
                   min_confidence=float(data.get("min_confidence", Handoff.min_confidence)))


def reviewer(entry: dict[str, Any], verify: VerifyConfig, source: str = "config") -> Reviewer:
    """A ``review.plan.reviewers`` entry (schema-checked); the name defaults to the model
    (or ``command``), a command reviewer's argv to ``verify.command``. An openai reviewer
    names its model; a command reviewer without one sends none (never another vendor's)."""
    provider = entry.get("provider", "anthropic")
    if provider == "openai" and not entry.get("model"):
        raise BadInput(f"{source}: review.plan.reviewers: the openai reviewer "
                       f"{entry.get('name', '')!r} needs a model (a model is never taken "
                       f"from another vendor)".replace(" ''", ""))
    model = entry.get("model", DEFAULT_MODEL if provider == "anthropic" else "")
    command = entry.get("command") or verify.command
    default_name = model if provider != "command" else "command"
    return Reviewer(
        name=entry.get("name", default_name),
        provider=provider,
        model=model,
        command=tuple(command) if command and provider == "command" else None,
        base_url=entry.get("base_url"),
        api_key_env=entry.get("api_key_env"),
        focus=str(entry.get("focus", "")),
    )


def pyproject_doc(text: str) -> dict[str, Any]:
    """``pyproject.toml`` as TOML reads it; BadInput when it does not parse."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"pyproject.toml: {exc}") from None
    return doc


def pyproject_section(text: str) -> dict[str, Any] | None:
    doc = pyproject_doc(text)
    section = doc.get("tool", {}).get("planscope")
    if section is None:
        return None
    if not isinstance(section, dict):
        raise BadInput("pyproject.toml: [tool.planscope] must be a table")
    return section


PYPROJECT_SOURCE = "pyproject.toml [tool.planscope]"


def _read(root: Path, rev: str | None, name: str) -> str | None:
    """A file's text from the working tree (``rev`` None), the index (``blobs.INDEX``) or a
    commit; None when it is not there."""
    if rev is None:
        path = root / name
        return yamlfile.read(path, name, root) if path.exists() or path.is_symlink() else None
    from checker.git import blobs

    return blobs.show_text(root, rev, name, yamlfile.MAX_BYTES)


def load(root: Path, rev: str | None = None) -> Config:
    """The repository's config: ``.planscope.yaml``, else ``[tool.planscope]`` of
    pyproject.toml, from the working tree, or with ``rev`` as staged (``blobs.INDEX``) or as
    committed at ``rev``. Defaults (``source`` None) when there is none; invalid config
    raises BadInput. (``checker.rules.book`` reads the rules of a revision as a whole.)"""
    for name, source in ((CONFIG_FILE, CONFIG_FILE), ("pyproject.toml", PYPROJECT_SOURCE)):
        text = _read(root, rev, name)
        if text is not None:
            return from_text(root, text, source)
    return Config()


def from_text(root: Path, text: str, source: str) -> Config:
    """The config ``text`` holds, read from ``source`` (``CONFIG_FILE`` or
    ``PYPROJECT_SOURCE``); a pyproject.toml without ``[tool.planscope]`` gives the defaults
    (``found`` False). Built once per text (``checker.rules.built``)."""
    valid = Cache.of(root, "valid")
    return built.once(valid.sibling(built.KIND), "Config", source, text,
                      lambda: _build(text, source, valid),
                      lambda cfg: cfg.data if cfg.found else None,
                      lambda data: _from_dict(data, source))


def _build(text: str, source: str, valid: Cache) -> Config:
    if source == CONFIG_FILE:
        data = yamlfile.parse(text, CONFIG_FILE)
        if data is None:
            return Config(source=CONFIG_FILE)
    else:
        data = pyproject_section(text)
        if data is None:
            return Config()
    problems = _non_finite(data, source) or schemas.checked_errors(
        "config", data, source, text, valid)
    problems = problems or _glob_problems(data, source)
    if problems:
        raise errors.problems(problems)
    return _from_dict(data, source)


def _non_finite(data: Any, source: str, path: tuple[Any, ...] = ()) -> list[str]:
    """NaN and infinities (TOML has them; the YAML loader refuses them): no setting means
    them, and NaN slips past every range check."""
    if isinstance(data, float) and not math.isfinite(data):
        return [f"{source}: {yamlfile.dotted(path)}: {data} is not a finite number"]
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    return [p for key, value in items for p in _non_finite(value, source, (*path, key))]


_PATTERN_LISTS = (("always_allow",), ("forbid",), ("exempt", "paths"), ("verify", "secret_paths"),
                  ("guard", "unprotect"))


def _glob_problems(data: dict[str, Any], source: str) -> list[str]:
    """Patterns that are not repo-relative or that git can match nothing with."""
    out = []
    for keys in _PATTERN_LISTS:
        node: Any = data
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        for i, pattern in enumerate(node or ()):
            line, col = yamlfile.locate(data, (*keys, i))
            where = f"{source}:{line}:{col}" if source == CONFIG_FILE else source
            out += [f"{where}: {yamlfile.dotted((*keys, i))}: {why}"
                    for why in globlint.problems(pattern)]
    return out
