#!/usr/bin/env python3
"""A deterministic judge for the verification corpus: it reads planscope's request on
stdin and calls a drifted path incidental when it looks like housekeeping (docs, a changelog,
tests, requirements), drift otherwise. It is not a model: it tests the harness, and gives
the floor any model should beat."""

import json
import re
import sys

HOUSEKEEPING = re.compile(r"(^|/)(docs?/|tests?/|CHANGELOG|CHANGES|requirements[^/]*\.txt$)"
                          r"|\.(md|rst)$")

request = json.load(sys.stdin)
print(json.dumps({"verdicts": [
    {"path": f["path"], "verdict": "incidental" if HOUSEKEEPING.search(f["path"]) else "drift",
     "confidence": 0.9, "reason": "housekeeping by its path" if HOUSEKEEPING.search(f["path"])
     else "source code outside the slice"}
    for f in request["drifted"]]}))
