"""Asking models: the one way planscope puts a question to a model and gets an answer.

Every question (drift verdicts, a review of a diff, a plan reviewer's opinion) goes through
``ask``: the configured provider, one hard deadline for all the questions of a run
(``verify.timeout_s``, retries included), cancellation, the progress line,
``PLANSCOPE_OFFLINE``, and the cache under ``.git/planscope/cache/answers/``. Several
questions (the blind reviewers of a plan) run at once, each with a provider object of its
own: no client, process or reply is shared between them.

The cache key is the sha256 of the provider, the model (or the command's argv), the kind of
question, its prompt version, the tool schema, who asks, and the whole prompt: any change to
what the model would see is a different key, so a re-run of the same question makes no call.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from checker import state
from checker.errors import VerifyUnavailable
from checker.model.prompt import Prompt
from checker.record import record
from checker.rules.config import VerifyConfig

OFFLINE_ENV = "PLANSCOPE_OFFLINE"
Parse = Callable[[Any, str], dict[str, Any]]  # (reply data, who sent it) -> the clean answer


def offline(env: Mapping[str, str] | None = None) -> bool:
    """``PLANSCOPE_OFFLINE=1``: never call a model."""
    return (os.environ if env is None else env).get(OFFLINE_ENV) == "1"


@record(frozen=True)
class Question:
    config: VerifyConfig  # provider, model, command (timeout and on_error are the run's)
    prompt: Prompt  # system, user text and the forced tool
    request: Mapping[str, Any]  # what a ``command`` provider reads on stdin
    kind: str  # "verify", "review", "plan-review": part of the cache key
    version: str  # the prompt version of that kind: part of the cache key
    asker: str = ""  # who asks (a plan reviewer's name): part of the cache key
    about: str = ""  # the plan or slice the question is about, for the call log


@record(frozen=True)
class Answer:
    provider: str
    model: str
    data: dict[str, Any]  # the answer as ``parse`` returned it (plain JSON)
    key: str = ""  # its cache key
    cached: bool = False
    calls: int = 0
    elapsed_s: float = 0.0
    input_tokens: int = 0  # what this run used: none on a cache hit
    output_tokens: int = 0


def cache_key(q: Question, provider: str) -> str:
    command = list(q.config.command or ()) if provider == "command" else []
    tool = json.dumps(q.prompt.tool, sort_keys=True)
    endpoint = (q.config.base_url or os.environ.get("OPENAI_BASE_URL", "")) \
        if provider == "openai" else ""  # the same model id elsewhere is another model
    return state.key("answer", provider, q.config.model, json.dumps(command), q.kind,
                     q.version, tool, q.asker, q.prompt.system, q.prompt.user, endpoint)


def recall(root: Path, early: str, parse: Parse) -> Answer | None:
    """The answer kept under an early key (``remember``): found from facts read before any
    prompt is built, so a re-run of the same question costs a cache read."""
    cache = state.Cache.of(root, "answers")
    key = cache.get(early)
    return _cached(cache.get(key), parse, key) if isinstance(key, str) else None


def remember(root: Path, early: str, answer: Answer) -> None:
    """Keep ``answer``'s cache key under ``early``, for ``recall``."""
    if answer.key:
        state.Cache.of(root, "answers").put(early, answer.key)


def ask(root: Path, questions: Sequence[Question], parse: Parse, *, timeout_s: float,
        what: str, no_cache: bool = False, judge_from: str | None = None,
        started: float | None = None) -> list[Answer | VerifyUnavailable]:
    """One result per question, in order: an Answer, or why there is none.

    Cached answers make no call. The others are asked at once and all end within
    ``timeout_s``, counted once the providers are ready (the SDK imported: local work, not
    waiting on a model). ``parse`` validates a reply (raising VerifyUnavailable for an
    unusable one); what it returns is cached, and parsed again when read back. A
    ``command`` judge runs from the files of ``judge_from`` when given (the base a pull
    request is judged against, ``checker.git.snapshot``), else from ``root``.
    """
    if judge_from is not None and any(q.config.provider == "command" for q in questions):
        from checker.git import snapshot

        with snapshot.checked_out(root, judge_from) as where:
            return _ask(root, where, questions, parse, timeout_s, what, no_cache, started)
    return _ask(root, root, questions, parse, timeout_s, what, no_cache, started)


def _ask(root: Path, where: Path, questions: Sequence[Question], parse: Parse,
         timeout_s: float, what: str, no_cache: bool,
         started: float | None) -> list[Answer | VerifyUnavailable]:
    from checker.model import providers

    cache = state.Cache.of(root, "answers")
    out: list[Answer | VerifyUnavailable | None] = [None] * len(questions)
    todo: list[tuple[int, providers.Provider, str]] = []
    for i, q in enumerate(questions):
        try:
            provider = providers.make(q.config, where)
        except VerifyUnavailable as exc:
            out[i] = exc
            continue
        key = cache_key(q, provider.name)
        hit = None if no_cache else _cached(cache.get(key), parse, key)
        if hit is not None:
            out[i] = hit  # a cached answer calls no model: offline too
        elif offline():
            out[i] = VerifyUnavailable(f"{OFFLINE_ENV}=1 is set, so no model is called")
        else:
            todo.append((i, provider, key))
    todo = [t for t in todo if _prepared(t[1], t[0], out)]
    if todo:
        start = time.monotonic()
        deadline = (started if started is not None else start) + timeout_s  # the whole pass
        calls = [(provider, questions[i].prompt, questions[i].request) for i, provider, _ in todo]
        replies = providers.call_all_within(calls, deadline, timeout_s, what)
        for (i, provider, key), got in zip(todo, replies, strict=True):
            out[i] = _answered(got, provider.name, provider.model, key, parse, start, cache)
            _log_call(root, questions[i], provider.name, provider.model, got, out[i], start)
    done = [a for a in out if a is not None]
    assert len(done) == len(questions)
    return done


CALL_LOG = "calls.jsonl"


def _log_call(root: Path, q: Question, provider: str, model: str, got: Any,
              answer: Answer | VerifyUnavailable | None, start: float) -> None:
    """One line per model call made (a cache hit makes none): what it was about, who
    answered, the tokens the API reported and the wall time, for ``planscope stats``."""
    state.append_log(root, CALL_LOG, {
        "kind": q.kind, "about": q.about, "asker": q.asker, "provider": provider,
        "model": model, "ok": isinstance(answer, Answer),
        "input_tokens": getattr(got, "input_tokens", 0),
        "output_tokens": getattr(got, "output_tokens", 0),
        "elapsed_s": round(time.monotonic() - start, 3)})


def _prepared(provider: Any, i: int, out: list[Answer | VerifyUnavailable | None]) -> bool:
    try:
        provider.prepare()
    except VerifyUnavailable as exc:
        out[i] = exc
        return False
    return True


def _answered(got: Any, provider: str, model: str, key: str, parse: Parse, start: float,
              cache: state.Cache) -> Answer | VerifyUnavailable:
    if isinstance(got, VerifyUnavailable):
        return got
    try:
        data = parse(got.data, model)
    except VerifyUnavailable as exc:
        return exc
    cache.put(key, {"version": 2, "provider": provider, "model": model, "answer": data,
                    "input_tokens": got.input_tokens, "output_tokens": got.output_tokens,
                    "at": state.now()})
    return Answer(provider, model, data, key, cached=False, calls=1,
                  elapsed_s=time.monotonic() - start, input_tokens=got.input_tokens,
                  output_tokens=got.output_tokens)


def _cached(doc: Any, parse: Parse, key: str) -> Answer | None:
    if not isinstance(doc, dict):
        return None
    try:
        return Answer(str(doc["provider"]), str(doc["model"]), parse(doc["answer"], "the cache"),
                      key, cached=True)
    except (KeyError, TypeError, ValueError, VerifyUnavailable):
        return None
