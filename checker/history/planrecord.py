"""``plan-review --record``: append reviews to a plan file's ``reviews:`` list, as text.

The file is not loaded and dumped again: new lines are inserted into the text where the list
continues, so comments, key order, quoting and blank lines everywhere else stay as written.
Where the entries go:

- a block list (``reviews:`` then ``- reviewer: …`` lines): after the last line of its last
  entry, at the same indentation as that entry (comments that follow the list stay after it);
- a flow list (``reviews: []``, ``reviews: [{…}]``): as flow mappings before its ``]``;
- ``reviews:`` with no value (or ``~``/``null``): a block list on the lines after the key;
- no ``reviews`` key: a new one after the last line of the plan's last top-level value
  (before any trailing comments).

Limits: a plan whose top level is a flow mapping (``{version: 1, …}``) is refused, and so is
a file that is not UTF-8 or not a single YAML document. CRLF line ends are kept. The result is
parsed again before it is written: it must validate as a plan and load as exactly the old
plan plus the new reviews, or the file is left alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from checker import state
from checker.errors import BadInput
from checker.rules import plan as plan_mod
from checker.rules import yamlfile

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "none"}


def _scalar(text: str) -> str:
    """A string as a YAML scalar: plain when that reads back as the same string."""
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _number(value: float) -> str:
    return repr(round(float(value), 2))


def _value(name: str, value: Any) -> str:
    """A review's value as YAML: the confidence rounded, the date bare, a list in flow
    style, any other text as a scalar."""
    if name == "confidence":
        return _number(value)
    if name == "at":
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(str(v)) for v in value) + "]"
    return _scalar(str(value))


def _block_entry(entry: Mapping[str, Any], dash: int, key: int, nl: str) -> str:
    first = True
    out = []
    for name, value in entry.items():
        text = _value(name, value)
        lead = " " * dash + "- " + " " * max(key - dash - 2, 0) if first else " " * key
        out.append(f"{lead}{name}: {text}{nl}")
        first = False
    return "".join(out)


def _flow_entry(entry: Mapping[str, Any]) -> str:
    parts = []
    for name, value in entry.items():
        parts.append(f"{name}: {_value(name, value)}")
    return "{" + ", ".join(parts) + "}"


def _last_end(node: yaml.Node) -> int:
    """Where the node's last piece of content ends (block collections' own end marks run on
    over the comments and blank lines that follow them)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1])
    return int(node.end_mark.index)


def _after_line(text: str, index: int, nl: str) -> tuple[int, str]:
    """(offset of the next line's start after ``index``, text to put first when the file
    ends without a line break there)."""
    if index > 0 and text[index - 1] == "\n":
        return index, ""
    end = text.find("\n", index)
    if end < 0:
        return len(text), nl
    return end + 1, ""


def insert_reviews(text: str, name: str, entries: Sequence[Mapping[str, Any]],
                   list_key: str = "reviews") -> str:
    """``text`` with ``entries`` appended to its ``reviews:`` list (or ``list_key``'s: the
    ``signoffs:``; see the module doc)."""
    nl = "\r\n" if "\r\n" in text else "\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise BadInput(f"{name}: cannot record {list_key}: not a single YAML document "
                       f"({' '.join(str(exc).split())[:120]})") from None
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise BadInput(f"{name}: cannot record {list_key}: the plan's top level is not a block "
                       f"mapping (add the {list_key} by hand)")
    found = [(k, v) for k, v in root.value
             if isinstance(k, yaml.ScalarNode) and k.value == list_key]
    if not found:
        at, pre = _after_line(text, _last_end(root), nl)
        col = root.start_mark.column
        block = f"{pre}{' ' * col}{list_key}:{nl}" + "".join(
            _block_entry(e, col + 2, col + 4, nl) for e in entries)
        return text[:at] + block + text[at:]
    key, value = found[0]
    if isinstance(value, yaml.SequenceNode) and value.flow_style:
        close = value.end_mark.index - 1
        if text[close] != "]":
            raise BadInput(f"{name}: cannot record {list_key}: cannot find the ']' of "
                           f"{list_key}")
        sep = ", " if value.value else ""
        return text[:close] + sep + ", ".join(_flow_entry(e) for e in entries) + text[close:]
    if isinstance(value, yaml.SequenceNode) and value.value:
        last = value.value[-1]
        dash = value.start_mark.column
        col = last.start_mark.column if isinstance(last, yaml.MappingNode) else dash + 2
        at, pre = _after_line(text, _last_end(last), nl)
        return text[:at] + pre + "".join(_block_entry(e, dash, col, nl)
                                         for e in entries) + text[at:]
    if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        start, end = value.start_mark.index, value.end_mark.index
        text = text[:start] + text[end:]  # drop "~" or "null", if written
        at, pre = _after_line(text, start, nl)
        dash = key.start_mark.column + 2
        return text[:at] + pre + "".join(_block_entry(e, dash, dash + 2, nl)
                                         for e in entries) + text[at:]
    raise BadInput(f"{name}: cannot record {list_key}: '{list_key}' is not a list")


def record(root: Path, rel: str, entries: Sequence[Mapping[str, Any]],
           key: str = "reviews") -> None:
    """Append ``entries`` to the plan file ``rel`` (repo-relative) in place. The new text must
    validate as a plan and load as the old plan plus ``entries``; otherwise BadInput and the
    file is not touched."""
    path = root / rel
    text = yamlfile.read(path, rel, root)
    new = insert_reviews(text, rel, entries, key)
    before = yamlfile.plain(yamlfile.parse(text, rel))
    expected = dict(before)
    expected[key] = [*(before.get(key) or ()), *(dict(e) for e in entries)]
    _write_checked(root, rel, new, expected, f"{key} not recorded", f"the {key} list",
                   "add them by hand")


def _write_checked(root: Path, rel: str, new: str, expected: Any, failed: str, what: str,
                   instead: str) -> None:
    """Write ``new`` over the plan ``rel`` only if it validates and reads back as
    ``expected``; otherwise BadInput (``failed``: why) and the file is left alone."""
    try:
        plan_mod.load_text(new, rel)
        after = yamlfile.plain(yamlfile.parse(new, rel))
    except BadInput as exc:
        raise BadInput(f"{rel}: {failed}: the edited plan would not validate "
                       f"({str(exc).splitlines()[0]})") from None
    if after != expected:
        raise BadInput(f"{rel}: {failed}: the edit would change more than {what} ({instead})")
    path = root / rel
    try:
        state.atomic_write(path, new.encode("utf-8"), mode=path.stat().st_mode & 0o777)
    except OSError as exc:
        raise BadInput(f"{rel}: cannot write: {exc.strerror}") from None


_STATUS = re.compile(r"^status:[ \t]*(?P<value>[^#\r\n]*?)[ \t]*(?P<rest>(?:[ \t]#[^\r\n]*)?)"
                     r"(?=\r?$)", re.MULTILINE)
_TITLE = re.compile(r"^title:[^\r\n]*(\r?\n)", re.MULTILINE)


def set_status(root: Path, rel: str, status: str) -> None:
    """Set the plan's top-level ``status`` in place (a comment after it kept; the key added
    after ``title:`` when missing). The new text must load as the old plan with only the
    status changed; otherwise BadInput and the file is not touched."""
    path = root / rel
    text = yamlfile.read(path, rel, root)
    found = _STATUS.search(text)
    if found is not None:
        new = text[:found.start("value")] + status + text[found.end("value"):]
    else:
        title = _TITLE.search(text)
        if title is None:
            raise BadInput(f"{rel}: status not set: no top-level 'title:' line to put it after")
        new = text[:title.end()] + f"status: {status}{title.group(1)}" + text[title.end():]
    before = yamlfile.plain(yamlfile.parse(text, rel))
    _write_checked(root, rel, new, {**before, "status": status}, "status not set",
                   "the status", "set it by hand")


def set_slice_status(root: Path, rel: str, ids: Sequence[str], status: str) -> None:
    """Set the ``status`` of the slices ``ids`` in place: the value replaced where the key is
    (a comment after it kept), else a ``status:`` line added after the slice's ``id:`` line at
    its indentation. A slice written as a flow mapping is refused. The new text must load as
    the old plan with only those statuses changed; otherwise BadInput, the file untouched."""
    path = root / rel
    text = yamlfile.read(path, rel, root)
    data = yamlfile.parse(text, rel)
    lines = text.splitlines(keepends=True)
    expected = yamlfile.plain(data)
    edits: list[tuple[int, str]] = []  # (index of the line, its new text)
    for si, s in enumerate(data.get("slices") or ()):
        if not isinstance(s, dict) or s.get("id") not in ids:
            continue
        expected["slices"][si]["status"] = status
        if "status" in s:
            line, col = yamlfile.locate(data, ("slices", si, "status"))
            old = lines[line - 1]
            value = _VALUE.match(old, col - 1)
            stop = value.end() if value else col - 1
            edits.append((line - 1, old[:col - 1] + status + old[stop:]))
            continue
        line, col = yamlfile.locate(data, ("slices", si, "id"), key=True)
        old = lines[line - 1]
        if old[:col - 1].rstrip().endswith(("{", ",")):
            raise BadInput(f"{rel}: status not set: slice '{s['id']}' is a flow mapping "
                           f"(set it by hand)")
        end = old[len(old.rstrip("\r\n")):]
        edits.append((line - 1, (old if end else old + "\n")
                       + f"{' ' * (col - 1)}status: {status}{end}"))
    for index, new in sorted(edits, reverse=True):
        lines[index] = new
    _write_checked(root, rel, "".join(lines), expected, "status not set", "the slices' status",
                   "set it by hand")


_VALUE = re.compile(r"""'[^'\r\n]*'|"[^"\r\n]*"|[^\s#,}\]]+""")


def add_allowed(text: str, name: str, slice_id: str, items: Sequence[tuple[str, str]]) -> str:
    """``text`` with ``items`` (path, reason) added to the ``allow`` list of slice
    ``slice_id``, each on a line of its own with its reason as a comment; paths already
    there are left out. A flow list (``allow: [a, b]``) becomes a block list; everything
    else in the file stays as written."""
    nl = "\r\n" if "\r\n" in text else "\n"
    node = _slice_node(text, name, slice_id)
    found = [(k, v) for k, v in node.value
             if isinstance(k, yaml.ScalarNode) and k.value == "allow"]
    have = [v.value for v in found[0][1].value if isinstance(v, yaml.ScalarNode)] \
        if found and isinstance(found[0][1], yaml.SequenceNode) else []
    new = [(p, why) for p, why in items if p not in have]
    col = node.value[0][0].start_mark.column

    def lines(entries: Sequence[tuple[str, str]], dash: int) -> str:
        return "".join(f"{' ' * dash}- {_scalar(p)}"
                       + (f"  # {' '.join(why.split())[:160]}" if why.strip() else "") + nl
                       for p, why in entries)

    if not found:
        at, pre = _after_line(text, _last_end(node), nl)
        return text[:at] + pre + f"{' ' * col}allow:{nl}" + lines(new, col + 2) + text[at:]
    key, value = found[0]
    if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
        at, pre = _after_line(text, _last_end(value.value[-1]), nl)
        return text[:at] + pre + lines(new, value.start_mark.column) + text[at:]
    if isinstance(value, yaml.SequenceNode) or (
            isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null"):
        start, end = key.end_mark.index, value.end_mark.index  # ": [a, b]" or ":"
        block = lines([(p, "") for p in have], col + 2) + lines(new, col + 2)
        return text[:start] + ":" + nl + block.rstrip("\r\n") + text[end:]
    raise BadInput(f"{name}: cannot widen slice '{slice_id}': its allow is not a list")


def _slice_node(text: str, name: str, slice_id: str) -> yaml.MappingNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise BadInput(f"{name}: cannot widen: not a single YAML document "
                       f"({' '.join(str(exc).split())[:120]})") from None
    slices = next((v for k, v in getattr(root, "value", ())
                   if isinstance(k, yaml.ScalarNode) and k.value == "slices"), None)
    for item in getattr(slices, "value", ()):
        if isinstance(item, yaml.MappingNode) and any(
                isinstance(k, yaml.ScalarNode) and k.value == "id" and
                isinstance(v, yaml.ScalarNode) and v.value == slice_id for k, v in item.value):
            if item.flow_style:
                raise BadInput(f"{name}: cannot widen slice '{slice_id}': it is a flow "
                               f"mapping (widen it by hand)")
            return item
    raise BadInput(f"{name}: no slice '{slice_id}'")


def write_widened(root: Path, rel: str, slice_id: str, before: str, after: str,
                  paths: Sequence[str]) -> None:
    """Write ``after`` over the plan only if it loads as ``before`` with ``paths`` added to
    the slice's allow (and nothing else changed)."""
    expected = yamlfile.plain(yamlfile.parse(before, rel))
    for s in expected.get("slices") or ():
        if isinstance(s, dict) and s.get("id") == slice_id:
            s["allow"] = [*(s.get("allow") or ()), *(p for p in paths
                                                     if p not in (s.get("allow") or ()))]
    _write_checked(root, rel, after, expected, "not widened", "the slice's allow",
                   "widen it by hand")


def add_gap(root: Path, rel: str, slice_id: str, entry: Mapping[str, Any]) -> None:
    """Append ``entry`` to the ``gaps:`` list of slice ``slice_id``, in place (a block list
    after its last entry, or a new key after the slice's last line); checked before it is
    written, as for reviews."""
    text = yamlfile.read(root / rel, rel, root)
    nl = "\r\n" if "\r\n" in text else "\n"
    node = _slice_node(text, rel, slice_id)
    col = node.value[0][0].start_mark.column
    found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "gaps"]
    if not found:
        at, pre = _after_line(text, _last_end(node), nl)
        new = text[:at] + pre + f"{' ' * col}gaps:{nl}" + _block_entry(
            entry, col + 2, col + 4, nl) + text[at:]
    elif isinstance(found[0], yaml.SequenceNode) and not found[0].flow_style \
            and found[0].value:
        last = found[0].value[-1]
        at, pre = _after_line(text, _last_end(last), nl)
        dash = found[0].start_mark.column
        new = text[:at] + pre + _block_entry(entry, dash, last.start_mark.column, nl) + text[at:]
    else:
        raise BadInput(f"{rel}: cannot record the gap: slice '{slice_id}' has gaps that are "
                       f"not a block list (record it by hand)")
    expected = yamlfile.plain(yamlfile.parse(text, rel))
    for s in expected.get("slices") or ():
        if isinstance(s, dict) and s.get("id") == slice_id:
            s["gaps"] = [*(s.get("gaps") or ()), dict(entry)]
    _write_checked(root, rel, new, expected, "gap not recorded", "the slice's gaps",
                   "record it by hand")
