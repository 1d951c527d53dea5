"""Edits to YAML text that copy the file's own style: render, insert, replace, remove.

Every helper returns :class:`~dockwright.edits.Edit` values into the original text;
nothing here parses or dumps a whole document (see :mod:`dockwright.documents.yaml`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dockwright.documents.yaml import MERGE_TAG, Occurrence, Tagged, YamlDocument, block_column, content_end
from dockwright.edits import Edit

# rendering ------------------------------------------------------------------------

_PLAIN_SAFE = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*|[0-9]+(\.[0-9]+)?[A-Za-z]+|\d{1,3}(\.\d{1,3}){3}")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def render_scalar(value: Any, quote: str = '"') -> str:
    """A scalar as YAML text that every YAML 1.1 and 1.2 reader takes as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Tagged):
        return value.value
    text = str(value)
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return text
    return quote_string(text, quote)


def quote_string(text: str, quote: str = '"') -> str:
    if quote == "'" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


@dataclass(frozen=True)
class Style:
    step: int = 2
    sequence_offset: int = 2
    quote: str = '"'


def style_of(doc: YamlDocument, near: Occurrence | None = None) -> Style:
    return Style(step=doc.indent_step(), sequence_offset=doc.sequence_offset(near), quote=doc.quote_char())


def render_entries(entries: dict[str, Any], column: int, style: Style) -> list[str]:
    """Block-style lines for ``key: value`` entries whose keys sit at ``column``."""
    lines: list[str] = []
    pad = " " * column
    for key, value in entries.items():
        key_text = render_scalar(key, style.quote)
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{key_text}:")
            lines.extend(render_entries(value, column + style.step, style))
        elif isinstance(value, list) and value:
            lines.append(f"{pad}{key_text}:")
            lines.extend(render_items(value, column + style.sequence_offset, style))
        else:
            lines.append(f"{pad}{key_text}: {render_flow(value, style.quote)}")
    return lines


def render_items(items: list[Any], column: int, style: Style) -> list[str]:
    lines: list[str] = []
    pad = " " * column
    for item in items:
        if isinstance(item, dict) and item:
            nested = render_entries(item, column + 2, style)
            lines.append(f"{pad}- {nested[0].lstrip()}")
            lines.extend(nested[1:])
        else:
            lines.append(f"{pad}- {render_flow(item, style.quote)}")
    return lines


def render_flow(value: Any, quote: str = '"') -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{render_scalar(k, quote)}: {render_flow(v, quote)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render_flow(v, quote) for v in value) + "]"
    return render_scalar(value, quote)


# edits ------------------------------------------------------------------------------

def replace(occ: Occurrence, text: str) -> Edit:
    return Edit(occ.start, occ.end, text)


def insertion_point(doc: YamlDocument, mapping: Occurrence) -> int:
    """Where a new last key of a block mapping goes.

    After the last content line (and comment lines indented at least as deep as the
    mapping's keys, which belong to it), before blank lines and shallower comments
    that introduce the next item.
    """
    return _after_own_comments(doc, content_end(doc, mapping), block_column(doc, mapping), deeper_only=False)


def _after_own_comments(doc: YamlDocument, end: int, column: int, *, deeper_only: bool) -> int:
    """The start of the line after ``end``, moved past the comment lines that follow it
    at ``column`` or deeper (strictly deeper with ``deeper_only``)."""
    text = doc.text
    newline = text.find("\n", end)
    point = len(text) if newline == -1 else newline + 1
    while point < len(text):
        line_end = text.find("\n", point)
        line = text[point : line_end if line_end != -1 else len(text)]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped.startswith("#") or indent < column or (deeper_only and indent == column):
            break
        point = len(text) if line_end == -1 else line_end + 1
    return point


def add_entries(doc: YamlDocument, mapping: Occurrence, entries: dict[str, Any], style: Style | None = None) -> Edit:
    """Append ``entries`` to a mapping, in its own style (block or flow)."""
    style = style or style_of(doc, mapping)
    if mapping.flow:
        return _add_flow_entries(doc, mapping, entries, style)
    return _insert_lines(doc, insertion_point(doc, mapping), render_entries(entries, block_column(doc, mapping), style))


def _add_flow_entries(doc: YamlDocument, mapping: Occurrence, entries: dict[str, Any], style: Style) -> Edit:
    inner = ", ".join(f"{render_scalar(k, style.quote)}: {render_flow(v, style.quote)}" for k, v in entries.items())
    return _flow_append(doc, mapping, inner)


def append_items(doc: YamlDocument, sequence: Occurrence, items: list[Any]) -> Edit:
    """Append items to a sequence, in its own style."""
    style = style_of(doc)
    if sequence.flow:
        return _flow_append(doc, sequence, ", ".join(render_flow(i, style.quote) for i in items))
    return _insert_lines(doc, insertion_point(doc, sequence), render_items(items, block_column(doc, sequence), style))


def _insert_lines(doc: YamlDocument, point: int, lines: list[str]) -> Edit:
    """Whole lines inserted at a line start; at the end of a file without a final newline,
    the newline goes first and the file still ends without one."""
    block = "\n".join(lines) + "\n"
    if point == len(doc.text) and not doc.text.endswith("\n"):
        block = "\n" + block.rstrip("\n")
    return Edit(point, point, doc.source.with_newlines(block))


def _flow_append(doc: YamlDocument, collection: Occurrence, inner: str) -> Edit:
    text = doc.text
    close = collection.end - 1
    body = text[collection.start + 1 : close]
    stripped = body.rstrip()
    if not stripped.strip():
        return Edit(collection.start + 1, close, inner)
    point = collection.start + 1 + len(stripped)
    separator = " " if stripped.endswith(",") else ", "
    return Edit(point, point, separator + inner)


def set_block_value(doc: YamlDocument, key: Occurrence, value: Occurrence, new: Any, style: Style | None = None) -> Edit:
    """Give an empty (null) or scalar value a new value; collections go on the following lines."""
    style = style or style_of(doc)
    if isinstance(new, (dict, list)) and new:
        column = doc.column_of(key.start) - 1
        if isinstance(new, dict):
            lines = render_entries(new, column + style.step, style)
        else:
            lines = render_items(new, column + style.sequence_offset, style)
        colon = doc.text.find(":", key.end)
        block = doc.source.with_newlines("\n" + "\n".join(lines))
        if value.start == value.end:  # `key:` and nothing else: keep a comment on that line in place
            line_end = doc.text.find("\n", colon)
            point = len(doc.text) if line_end == -1 else line_end
            if doc.text[point - 1 : point] == "\r":
                point -= 1
            return Edit(point, point, block)
        # a block collection's end mark sits at the next key; stop at its last content instead
        end = value.end if value.is_scalar or value.flow or value.alias else content_end(doc, value)
        return Edit(colon + 1, end, block)
    end = value.end if value.is_scalar or value.flow or value.alias else content_end(doc, value)
    return Edit(value.start, end, render_flow(new, style.quote))


# adding nested keys ----------------------------------------------------------------------

@dataclass(frozen=True)
class Addition:
    """Edits and intended data changes that add keys under a mapping, or why it cannot."""

    edits: tuple[Edit, ...] = ()
    changes: tuple[tuple[tuple[Any, ...], Any], ...] = ()
    notes: tuple[str, ...] = ()
    reason: str | None = None


def deep_merge(base: Any, additions: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the keys of ``additions`` it lacks (existing values always win)."""
    merged = dict(base) if isinstance(base, dict) else {}
    for key, value in additions.items():
        if key in merged and isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = deep_merge(merged[key], value)
        elif key not in merged:
            merged[key] = value
    return merged


def add_missing(doc: YamlDocument, mapping: Occurrence, path: tuple[Any, ...], data: Any, additions: dict[str, Any], *, shadowed: bool = False) -> Addition:
    """Add the keys of ``additions`` that ``mapping`` (at data ``path``, holding ``data``) lacks.

    Existing values are never overwritten. A nested mapping that the node owns is
    descended into; one that arrives through ``<<`` or an alias is replaced by a local
    copy that keeps the inherited keys, so no other user of the anchor changes.
    ``shadowed`` says the caller checked that every other user of this anchored
    mapping overrides the added keys, so adding them here changes nobody else.
    """
    mapping = doc.target(mapping)
    if mapping.shared and not shadowed:
        return Addition(reason="it is defined in an anchor that other entries use")
    edits: list[Edit] = []
    changes: list[tuple[tuple[Any, ...], Any]] = []
    notes: list[str] = []
    absent: dict[str, Any] = {}
    data = data if isinstance(data, dict) else {}
    for key, wanted in additions.items():
        if key not in data:
            absent[key] = wanted
            continue
        if not isinstance(wanted, dict) or (isinstance(data[key], dict) and not _missing(data[key], wanted)):
            continue
        raw = mapping.own(key)
        merged = deep_merge(data[key], wanted)
        if raw is None:  # inherited through `<<`: a local copy keeps the merged keys
            absent[key] = merged
            notes.append(f"{key} is inherited through a merge key; added a local {key} that keeps the inherited keys")
            continue
        key_occ, value_occ = raw
        if value_occ.is_mapping and not value_occ.alias and not value_occ.shared:
            nested = add_missing(doc, value_occ, (*path, key), data[key], wanted)
            if nested.reason:
                return nested
            edits.extend(nested.edits)
            changes.extend(nested.changes)
            notes.extend(nested.notes)
            continue
        if value_occ.is_null or value_occ.alias:
            if value_occ.alias:
                notes.append(f"{key} was an alias; replaced it with a local copy")
            edits.append(_replace_value(doc, mapping, key_occ, value_occ, merged))
            changes.append(((*path, key), merged))
            continue
        return Addition(reason=f"{'/'.join(map(str, (*path, key)))} is not a mapping")
    if absent:
        edits.append(add_entries(doc, mapping, absent, style_of(doc, mapping)))
        changes.extend(((*path, key), value) for key, value in absent.items())
    return Addition(join_insertions(edits), tuple(changes), tuple(notes))


def join_insertions(edits: list[Edit]) -> tuple[Edit, ...]:
    """Insertions at one offset become one edit, in list order (deeper keys come first)."""
    joined: list[Edit] = []
    for edit in edits:
        twin = next((i for i, e in enumerate(joined) if e.start == e.end == edit.start == edit.end), None)
        if twin is None:
            joined.append(edit)
        else:
            joined[twin] = Edit(edit.start, edit.end, joined[twin].replacement + edit.replacement)
    return tuple(joined)


def _missing(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        if key not in existing:
            return True
        if isinstance(value, dict) and isinstance(existing[key], dict) and _missing(existing[key], value):
            return True
    return False


def _replace_value(doc: YamlDocument, parent: Occurrence, key: Occurrence, value: Occurrence, new: Any) -> Edit:
    style = style_of(doc, parent)
    if parent.flow or value.flow:
        return Edit(value.start, value.end if not (value.is_null and value.start == value.end) else value.start, render_flow(new, style.quote))
    return set_block_value(doc, key, value, new, style)


# removing entries --------------------------------------------------------------------------

def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _entry_end(doc: YamlDocument, occ: Occurrence, column: int) -> int:
    """End of the line holding ``occ``'s last content, plus deeper comment lines after it."""
    return _after_own_comments(doc, content_end(doc, occ), column, deeper_only=True)


def remove_entry(doc: YamlDocument, mapping: Occurrence, key: str) -> Edit | None:
    """Delete ``key`` and its value (with the comment on its lines). None when the text
    does not allow a clean cut (the key shares its line with a ``- `` or another key)."""
    mapping = doc.target(mapping)
    if mapping.shared:
        return None
    for index, (key_occ, value_occ) in enumerate(mapping.pairs):
        if not (key_occ.is_scalar and key_occ.value == key and key_occ.node.tag != MERGE_TAG):
            continue
        if mapping.flow:
            return _remove_flow(doc, mapping, index, [(k.start, v.end if not (v.is_scalar and v.start == v.end) else k.end + 1) for k, v in mapping.pairs])
        start = _line_start(doc.text, key_occ.start)
        if doc.text[start : key_occ.start].strip():
            return None
        column = key_occ.start - start
        last = value_occ if not (value_occ.is_scalar and value_occ.start == value_occ.end) else key_occ
        return Edit(start, _entry_end(doc, last, column), "")
    return None


def remove_item(doc: YamlDocument, sequence: Occurrence, index: int) -> Edit | None:
    sequence = doc.target(sequence)
    if sequence.shared or not 0 <= index < len(sequence.items):
        return None
    if sequence.flow:
        return _remove_flow(doc, sequence, index, [(i.start, i.end) for i in sequence.items])
    item = sequence.items[index]
    dash = doc.text.rfind("-", 0, item.start)
    start = _line_start(doc.text, dash)
    if doc.text[start:dash].strip():
        return None
    return Edit(start, _entry_end(doc, item, dash - start), "")


def _remove_flow(doc: YamlDocument, collection: Occurrence, index: int, spans: list[tuple[int, int]]) -> Edit:
    start, end = spans[index]
    if index + 1 < len(spans):
        return Edit(start, spans[index + 1][0], "")
    if index > 0:
        previous_end = spans[index - 1][1]
        comma = doc.text.find(",", previous_end, start)
        return Edit(comma if comma != -1 else previous_end, end, "")
    return Edit(collection.start + 1, collection.end - 1, "")
