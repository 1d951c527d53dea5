"""DW230's edits: turn one deprecated ``match``-style mapping (or several) into a matchers
list, in place where possible so that comments beside each label stay on its line."""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents.alertmanager import LABEL_NAME, describe, matcher
from dockwright.documents.yaml import Occurrence, YamlDocument, block_column
from dockwright.documents.yaml_edits import insertion_point, remove_entry
from dockwright.edits import Edit
from dockwright.fixes import DELETE, Change, Fix, Notice


# Characters a single-quoted scalar cannot carry raw: non-printables, and line breaks
# (\r, NEL, LS, PS count as breaks in YAML 1.1 and would be folded).
_UNPRINTABLE = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _quoted(item: str) -> str:
    """Single quotes (no escapes to get wrong) unless YAML cannot hold a character raw."""
    if not _UNPRINTABLE.search(item):
        return "'" + item.replace("'", "''") + "'"
    escaped = item.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}" if ord(m.group(0)) <= 0xFFFF else f"\\U{ord(m.group(0)):08x}", escaped) + '"'


def _items(doc: YamlDocument, value: Occurrence, regex: bool) -> list[str] | str:
    """Matcher strings of a ``match`` mapping, or why it cannot be converted."""
    if value.alias or value.shared:
        return "it comes from an anchor or alias"
    if value.is_null:
        return []
    if not value.is_mapping:
        return "it is not a plain mapping (an alias or anchor?)"
    items = []
    for key, label_value in value.pairs:
        label = key.value if key.is_scalar else None
        if not isinstance(label, str) or not LABEL_NAME.fullmatch(label) or not label_value.is_scalar or label_value.style in ("|", ">"):
            return f"label {label!r} cannot be written as a classic matcher"
        items.append(matcher(label, "" if label_value.is_null else str(label_value.value), regex=regex))
    return items


def convert(doc: YamlDocument, mapping: Occurrence, path: tuple[Any, ...], target_key: str, sources: dict[str, bool], *, code: str) -> Iterator[Fix | Notice]:
    present = [(key, *mapping.own(key), regex) for key, regex in sources.items() if mapping.own(key) is not None]
    if not present:
        return
    converted: list[tuple[Any, list[str]]] = []
    for name, key, value, regex in present:
        items = _items(doc, value, regex)
        if isinstance(items, str):
            yield Notice(code, f"{describe((*path, name))}: not converted: {items}", key.start, (*path, name))
            return
        converted.append(((name, key, value), items))
    # The earliest key is converted in place: it may share its line with a `- `, which
    # rules out cutting it, while any later key can be cut cleanly.
    converted.sort(key=lambda c: c[0][1].start)
    every = [i for _, items in converted for i in items]
    existing = _plain_at(doc, path).get(target_key)
    if existing is not None and not isinstance(existing, list):
        return
    edits = _edits(doc, mapping, target_key, converted)
    if edits is None:
        yield Notice(code, f"{describe(path)}: {', '.join(n for n, *_ in present)} not converted: the layout does not allow a clean edit", present[0][1].start, path)
        return
    changes = [Change((*path, name), DELETE) for name, *_ in present] + [Change((*path, target_key), [*(existing or []), *every])]
    names = "/".join(n for n, *_ in present)
    yield Fix(code, f"{describe(path)}: {names} -> {target_key}", tuple(edits), tuple(changes), present[0][1].start, (*path, present[0][0]))


def _plain_at(doc: YamlDocument, path: tuple[Any, ...]) -> dict[str, Any]:
    data = doc.plain
    for part in path:
        data = data[part]
    return data if isinstance(data, dict) else {}


def _edits(doc: YamlDocument, mapping: Occurrence, target_key: str, converted: list[tuple[Any, list[str]]]) -> list[Edit] | None:
    removals = [remove_entry(doc, mapping, name) for (name, _k, _v), _ in converted]
    target = mapping.own(target_key)
    if target is not None:  # matchers exist already: append to them, drop the old keys
        appended = _append(doc, target[1], [i for _, items in converted for i in items])
        return None if appended is None or None in removals else [*removals, appended]
    (name, key, value), first = converted[0]
    extra = [i for _, items in converted[1:] for i in items]
    in_place = _in_place(doc, key, doc.target(value), target_key, first, extra)
    if in_place is None or None in removals[1:]:
        return None
    return [*in_place, *removals[1:]]


def _in_place(doc: YamlDocument, key: Occurrence, value: Occurrence, target_key: str, items: list[str], extra: list[str]) -> list[Edit] | None:
    rename = Edit(key.start, key.end, target_key if key.style is None else _quoted(target_key))
    every = [*items, *extra]
    if value.flow or value.is_null or not value.pairs:
        start = value.start if not value.is_null else key.end + 1
        end = value.end if not value.is_null else key.end + 1
        return [rename, Edit(start, end, " [" + ", ".join(_quoted(i) for i in every) + "]" if value.is_null else "[" + ", ".join(_quoted(i) for i in every) + "]")]
    edits = [rename]
    for (label, label_value), item in zip(value.pairs, items):
        end = label_value.end if label_value.end > label.end else doc.text.find(":", label.end) + 1
        edits.append(Edit(label.start, end, f"- {_quoted(item)}"))
    if extra:
        pad = " " * (doc.column_of(value.pairs[0][0].start) - 1)
        last = edits[-1]
        edits[-1] = Edit(last.start, last.end, last.replacement + "".join(doc.source.newline + f"{pad}- {_quoted(i)}" for i in extra))
    return edits


def _append(doc: YamlDocument, sequence: Occurrence, items: list[str]) -> Edit | None:
    sequence = doc.target(sequence)
    if sequence.alias or sequence.shared or not sequence.is_sequence:
        return None
    if sequence.flow:
        close = sequence.end - 1
        body = doc.text[sequence.start + 1 : close].rstrip()
        point = sequence.start + 1 + len(body)
        separator = "" if not body.strip() else (" " if body.endswith(",") else ", ")
        return Edit(point, point, separator + ", ".join(_quoted(i) for i in items))
    column = block_column(doc, sequence)
    point = insertion_point(doc, sequence)
    lines = "".join(f"{' ' * column}- {_quoted(i)}{doc.source.newline}" for i in items)
    if point == len(doc.text) and not doc.text.endswith("\n"):
        lines = doc.source.newline + lines[: -len(doc.source.newline)]
    return Edit(point, point, lines)
