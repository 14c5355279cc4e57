"""Questions to models other than drift verdicts, asked the way the verification pass asks.

``planscope review`` and ``planscope plan-review`` bring their own prompt, forced tool and
reply validation; everything else is the verification pass's: the providers, one hard
deadline for all the questions of a run (``verify.timeout_s``), retries, cancellation, the
progress line, ``PLANSCOPE_OFFLINE`` and the cache under ``.git/planscope/cache/``. Several
questions (the blind reviewers of a plan) run concurrently, each with a provider object of
its own: no client, process or reply is shared between them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.config import VerifyConfig
from checker.errors import VerifyUnavailable
from checker.verify.prompt import Prompt

Parse = Callable[[Any, str], dict[str, Any]]  # (reply data, who sent it) -> the clean answer


@dataclass(frozen=True)
class Question:
    config: VerifyConfig  # provider, model, command (timeout and on_error are the run's)
    prompt: Prompt  # system, user text and the forced tool
    request: Mapping[str, Any]  # what a ``command`` provider reads on stdin
    kind: str  # "review", "plan-review": part of the cache key
    version: str  # the prompt version of that kind: part of the cache key
    asker: str = ""  # who asks (a plan reviewer's name): part of the cache key


@dataclass(frozen=True)
class Answer:
    provider: str
    model: str
    data: dict[str, Any]  # the answer as ``parse`` returned it (plain JSON)
    cached: bool = False
    calls: int = 0
    elapsed_s: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0


def ask(root: Path, questions: Sequence[Question], parse: Parse, *, timeout_s: float,
        what: str, no_cache: bool = False) -> list[Answer | VerifyUnavailable]:
    """One result per question, in order: an Answer, or why there is none.

    Cached answers make no call. The others are asked at once and all end within
    ``timeout_s``. ``parse`` validates a reply (raising VerifyUnavailable for an unusable
    one); what it returns is cached, and parsed again when read back.
    """
    if os.environ.get("PLANSCOPE_OFFLINE") == "1":
        return [VerifyUnavailable("PLANSCOPE_OFFLINE=1 is set, so no model is called")
                for _ in questions]
    from checker.verify import cache, providers
    from checker.verify.progress import Progress

    start = time.monotonic()
    deadline = start + timeout_s
    out: list[Answer | VerifyUnavailable | None] = [None] * len(questions)
    todo: list[tuple[int, providers.Provider, str, str]] = []
    for i, q in enumerate(questions):
        try:
            provider = providers.make(q.config, root)
        except VerifyUnavailable as exc:
            out[i] = exc
            continue
        command = q.config.command if provider.name == "command" else None
        tool = json.dumps(q.prompt.tool, sort_keys=True)
        key = cache.key(provider.name, q.config.model, command, q.prompt,
                        extra=(q.kind, q.version, tool, q.asker))
        hit = None if no_cache else _cached(cache.load_doc(root, key), parse)
        if hit is not None:
            out[i] = Answer(hit[0], hit[1], hit[2], cached=True,
                            elapsed_s=time.monotonic() - start)
            continue
        todo.append((i, provider, q.kind, key))
    if todo:
        progress = Progress(what, timeout_s)
        calls = [(provider, questions[i].prompt, questions[i].request)
                 for i, provider, _, _ in todo]
        replies = providers.call_all_within(calls, deadline, timeout_s, progress)
        for (i, provider, kind, key), got in zip(todo, replies, strict=True):
            if isinstance(got, VerifyUnavailable):
                out[i] = got
                continue
            try:
                data = parse(got.data, provider.model)
            except VerifyUnavailable as exc:
                out[i] = exc
                continue
            out[i] = Answer(provider.name, provider.model, data, cached=False, calls=1,
                            elapsed_s=time.monotonic() - start,
                            input_tokens=got.input_tokens, output_tokens=got.output_tokens)
            cache.store_doc(root, key, {"version": 1, "kind": kind, "provider": provider.name,
                                        "model": provider.model, "answer": data,
                                        "input_tokens": got.input_tokens,
                                        "output_tokens": got.output_tokens})
    done = [a for a in out if a is not None]
    assert len(done) == len(questions)
    return done


def _cached(doc: dict[str, Any] | None, parse: Parse) -> tuple[str, str, dict[str, Any]] | None:
    if doc is None:
        return None
    try:
        return str(doc["provider"]), str(doc["model"]), parse(doc["answer"], "the cache")
    except (KeyError, TypeError, ValueError, VerifyUnavailable):
        return None
