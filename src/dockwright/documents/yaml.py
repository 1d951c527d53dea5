"""YAML documents: ruamel.yaml parses and locates; edits are spliced into the original text.

ruamel.yaml is used only to *read*. Its dumper normalises indentation and comment
spacing, so nothing here ever dumps a document. Instead every node occurrence gets
its real span in the source (aliases included: ruamel hands back the anchored node,
whose marks point at the anchor), and :mod:`dockwright.documents.yaml_edits` turns an
intended change into text edits that copy the file's own style. Verification lives
here: the output is parsed again and compared with the input plus the intended change.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator

from dockwright.documents.source import LineIndexed, Problem, Source

MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"
MAX_EXPANDED_NODES = 1_000_000


@dataclass(frozen=True)
class Tagged:
    """A scalar whose tag the tool does not interpret (``!Ref x``, timestamps, floats)."""

    tag: str
    value: str


@dataclass(eq=False)
class Occurrence:
    """One place where a node appears in the text: the anchor itself, or an ``*alias``."""

    node: Any
    start: int
    end: int
    alias: bool = False
    shared: bool = False  # editing it would also change another path (anchor used by an alias)
    pairs: list[tuple[Occurrence, Occurrence]] = field(default_factory=list)
    items: list[Occurrence] = field(default_factory=list)
    _entries: tuple[dict[Any, tuple[Occurrence, Occurrence]], list[Occurrence]] | None = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        return self.node.id  # 'scalar' | 'mapping' | 'sequence'

    @property
    def is_mapping(self) -> bool:
        return self.node.id == "mapping"

    @property
    def is_sequence(self) -> bool:
        return self.node.id == "sequence"

    @property
    def is_scalar(self) -> bool:
        return self.node.id == "scalar"

    @property
    def flow(self) -> bool:
        return bool(getattr(self.node, "flow_style", False))

    @property
    def value(self) -> Any:
        return self.node.value if self.is_scalar else None

    @property
    def style(self) -> str | None:
        return (getattr(self.node, "style", None) or None) if self.is_scalar else None

    @property
    def is_null(self) -> bool:
        return self.is_scalar and self.node.tag == "tag:yaml.org,2002:null"

    def own(self, key: str) -> tuple[Occurrence, Occurrence] | None:
        """The entry written in this mapping itself (not merged in)."""
        return self._index()[0].get(key)

    def merge_sources(self) -> list[Occurrence]:
        return self._index()[1]

    def keys(self) -> list[str]:
        return list(self._index()[0])

    def _index(self) -> tuple[dict[Any, tuple[Occurrence, Occurrence]], list[Occurrence]]:
        """Own entries by key and merge sources, worked out once (a big mapping is asked often)."""
        if self._entries is None:
            own: dict[Any, tuple[Occurrence, Occurrence]] = {}
            sources: list[Occurrence] = []
            for key_occ, value_occ in self.pairs:
                if not key_occ.is_scalar:
                    continue
                if str(key_occ.node.tag) == MERGE_TAG:
                    sources.extend(value_occ.items if value_occ.is_sequence and not value_occ.alias else [value_occ])
                else:
                    own.setdefault(key_occ.value, (key_occ, value_occ))
            self._entries = (own, sources)
        return self._entries


@dataclass(eq=False)
class YamlDocument(LineIndexed):
    path: str
    source: Source
    roots: list[Occurrence]
    data: list[Any]
    anchors: dict[int, Occurrence]
    _starts: list[int] = field(default_factory=list)
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def root(self) -> Occurrence | None:
        return self.roots[0] if len(self.roots) == 1 else None

    @property
    def plain(self) -> Any:
        return self.data[0] if len(self.data) == 1 else None

    # positions ---------------------------------------------------------------
    def position(self, occ: Occurrence) -> tuple[int, int]:
        return self.line_of(occ.start), self.column_of(occ.start)

    # resolution ---------------------------------------------------------------
    def target(self, occ: Occurrence) -> Occurrence:
        """The occurrence that holds an alias's content (the anchored one)."""
        return self.anchors.get(id(occ.node), occ) if occ.alias else occ

    def lookup(self, mapping: Occurrence, key: str) -> tuple[Occurrence, Occurrence, bool] | None:
        """(key, value, owned) for ``key`` as Compose sees it: own entries first, then ``<<`` merges."""
        mapping = self.target(mapping)
        if not mapping.is_mapping:
            return None
        own = mapping.own(key)
        if own is not None:
            return own[0], self.target(own[1]), True
        for source in mapping.merge_sources():
            found = self.lookup(source, key)
            if found is not None:
                return found[0], found[1], False
        return None

    def get(self, mapping: Occurrence | None, *keys: str) -> Occurrence | None:
        current = mapping
        for key in keys:
            if current is None:
                return None
            found = self.lookup(current, key)
            current = found[1] if found else None
        return self.target(current) if current is not None else None

    def entries(self, mapping: Occurrence) -> Iterator[tuple[str, Occurrence, Occurrence, bool]]:
        """Every (key, key occurrence, value occurrence, owned) of a mapping, merged keys included."""
        mapping = self.target(mapping)
        seen: set[str] = set()
        for key in mapping.keys():
            found = self.lookup(mapping, key)
            if found and key not in seen:
                seen.add(key)
                yield key, found[0], found[1], True
        for source in mapping.merge_sources():
            source = self.target(source)
            if not source.is_mapping:
                continue
            for key, key_occ, value_occ, _owned in self.entries(source):
                if key not in seen:
                    seen.add(key)
                    yield key, key_occ, value_occ, False

    def anchor_of(self, occ: Occurrence) -> str | None:
        """The ``&name`` that an occurrence defines, if any."""
        if occ.alias:
            return None
        return _anchor_name(self.text, occ) or None

    def owner_lines(self, path: tuple[Any, ...]) -> list[int]:
        """Lines of the keys that lead to ``path``: a suppression comment on any of them applies."""
        lines: list[int] = []
        current = self.root
        for part in path:
            if current is None:
                break
            current = self.target(current)
            if current.is_mapping and isinstance(part, str):
                found = self.lookup(current, part)
                if found is None:
                    break
                lines.append(self.line_of(found[0].start))
                current = found[1]
            elif current.is_sequence and isinstance(part, int) and 0 <= part < len(current.items):
                current = current.items[part]
                lines.append(self.line_of(current.start))
            else:
                break
        return lines

    def quote_char(self) -> str:
        if "quote" not in self._cache:
            self._cache["quote"] = self._quote_char()
        return self._cache["quote"]

    def _quote_char(self) -> str:
        counts = Counter(o.style for o in self.walk() if o.is_scalar and o.style in ("'", '"'))
        return "'" if counts["'"] > counts['"'] else '"'

    def walk(self) -> Iterator[Occurrence]:
        stack = list(reversed(self.roots))
        while stack:
            occ = stack.pop()
            yield occ
            children: list[Occurrence] = []
            for key_occ, value_occ in occ.pairs:
                children.extend((key_occ, value_occ))
            children.extend(occ.items)
            stack.extend(reversed(children))

    def indent_step(self) -> int:
        if "step" not in self._cache:
            self._cache["step"] = self._indent_step()
        return self._cache["step"]

    def _indent_step(self) -> int:
        steps: Counter[int] = Counter()
        for occ in self.walk():
            if not occ.is_mapping or occ.flow:
                continue
            column = block_column(self, occ)
            for key, value in occ.pairs:
                if value.is_mapping and not value.flow and not value.alias and value.pairs:
                    child = block_column(self, value)
                    if child > column and self.line_of(value.pairs[0][0].start) > self.line_of(key.start):
                        steps[child - column] += 1
        return steps.most_common(1)[0][0] if steps else 2

    def sequence_offset(self, near: Occurrence | None = None) -> int:
        """How far block-sequence dashes sit right of their key (0 = flush, ``ports:\\n- x``).

        Prefers the sequences of ``near`` (a mapping), then the file's majority.
        """
        def offsets(mapping: Occurrence) -> list[int]:
            found = []
            for key_occ, value_occ in mapping.pairs:
                if value_occ.is_sequence and not value_occ.flow and not value_occ.alias and value_occ.items:
                    found.append(block_column(self, value_occ) - (self.column_of(key_occ.start) - 1))
            return found

        if near is not None:
            local = offsets(self.target(near))
            if local:
                return Counter(local).most_common(1)[0][0]
        if "offset" not in self._cache:
            every: list[int] = []
            for occ in self.walk():
                if occ.is_mapping and not occ.flow:
                    every.extend(offsets(occ))
            self._cache["offset"] = Counter(every).most_common(1)[0][0] if every else self.indent_step()
        return self._cache["offset"]


# parsing ----------------------------------------------------------------------

def parse(path: str, source: Source) -> YamlDocument:
    nodes = _compose(source.text)
    anchors: dict[int, Occurrence] = {}
    alias_counts: Counter[int] = Counter()
    roots = [_occurrences(source.text, node, anchors, alias_counts, cursor=node.start_mark.index) for node in nodes]
    _check_trailing_tabs(source.text, roots)
    duplicates: list[Problem] = []
    for root in roots:
        _mark_shared(root, anchors, alias_counts, inherited=False)
        _check_duplicates(root, duplicates)
    if duplicates:
        raise Problem(duplicates[0].message, duplicates[0].line, duplicates[0].column, tuple(duplicates[1:]))
    budget = [MAX_EXPANDED_NODES]
    data = [to_plain(node, {}, budget) for node in nodes]
    return YamlDocument(path=path, source=source, roots=roots, data=data, anchors=anchors)


def _compose(text: str) -> list[Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    # The safe composer gives the same nodes, marks and styles as the round-trip one
    # (checked over the corpus) without gathering comments, which we never read.
    # Its C version (ruamel.yaml.clib) is ten times faster; it writes a plain scalar's
    # style as "" and puts an empty value right after its colon, both handled here.
    # libyaml is a YAML 1.1 parser: where it refuses (a plain `2121:21` in a flow list,
    # which YAML 1.2 and Compose accept), the pure parser has the last word.
    try:
        return [node for node in YAML(typ="safe").compose_all(text) if node is not None]
    except (YAMLError, RecursionError):
        pass
    try:
        return [node for node in YAML(typ="safe", pure=True).compose_all(text) if node is not None]
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = _describe(error, text, mark)
        if mark is None:
            raise Problem(message) from None
        raise Problem(message, mark.line + 1, mark.column + 1) from None
    except YAMLError as error:
        raise Problem(f"invalid YAML: {error}") from None
    except RecursionError:
        raise Problem("YAML nesting is too deep") from None


def _describe(error: Any, text: str, mark: Any) -> str:
    problem = (error.problem or "invalid YAML").strip()
    at_tab = mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"
    if at_tab or "'\\t'" in problem or "\\t" in problem:
        line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
        if line[: mark.column].strip() if mark is not None else False:
            return "tab character after value is not valid YAML for all parsers; remove it"
        return "tab character in indentation; YAML indents with spaces only"
    context = (error.context or "").strip()
    return f"invalid YAML: {context}: {problem}" if context else f"invalid YAML: {problem}"


_ALIAS_CACHE: dict[str, re.Pattern[str]] = {}
_ANCHOR = re.compile(r"(?:!\S*\s+)?&([^\s,\[\]{}]+)")


def _anchor_name(text: str, anchored: Occurrence) -> str:
    anchor = getattr(anchored.node, "anchor", None)
    if isinstance(anchor, str):
        return anchor
    if anchor is not None and getattr(anchor, "value", None):
        return anchor.value
    match = _ANCHOR.match(text, anchored.start)
    return match.group(1) if match else ""


def _alias_span(text: str, cursor: int, anchor: str) -> tuple[int, int]:
    pattern = _ALIAS_CACHE.get(anchor)
    if pattern is None:
        pattern = _ALIAS_CACHE[anchor] = re.compile(r"\*" + re.escape(anchor) + r"(?![^\s,\]\}])")
    match = pattern.search(text, cursor)
    if match is None:  # pragma: no cover - ruamel only aliases what the text names
        return cursor, cursor
    return match.start(), match.end()


def _occurrences(text: str, node: Any, anchors: dict[int, Occurrence], alias_counts: Counter[int], cursor: int) -> Occurrence:
    if id(node) in anchors:
        start, end = _alias_span(text, cursor, _anchor_name(text, anchors[id(node)]))
        alias_counts[id(node)] += 1
        return Occurrence(node=node, start=start, end=end, alias=True)
    occ = Occurrence(node=node, start=node.start_mark.index, end=node.end_mark.index)
    # The C composer does not record anchor names on nodes; every node is registered,
    # and the name is read from the text when an alias of it turns up.
    anchors[id(node)] = occ
    position = occ.start
    if node.id == "mapping":
        for key, value in node.value:
            key_occ = _occurrences(text, key, anchors, alias_counts, position)
            position = max(position, key_occ.end)
            value_occ = _occurrences(text, value, anchors, alias_counts, position)
            position = max(position, _content_end(text, value_occ))
            occ.pairs.append((key_occ, value_occ))
    elif node.id == "sequence":
        for item in node.value:
            item_occ = _occurrences(text, item, anchors, alias_counts, position)
            position = max(position, _content_end(text, item_occ))
            occ.items.append(item_occ)
    return occ


def _mark_shared(occ: Occurrence, anchors: dict[int, Occurrence], alias_counts: Counter[int], inherited: bool) -> None:
    occ.shared = inherited or (not occ.alias and alias_counts[id(occ.node)] > 0) or occ.alias
    if occ.alias:
        return
    for key_occ, value_occ in occ.pairs:
        _mark_shared(key_occ, anchors, alias_counts, occ.shared)
        _mark_shared(value_occ, anchors, alias_counts, occ.shared)
    for item in occ.items:
        _mark_shared(item, anchors, alias_counts, occ.shared)


_TRAILING_TAB = re.compile(r"\S[ \t]*\t[ \t]*\r?$", re.M)


def _check_trailing_tabs(text: str, roots: list[Occurrence]) -> None:
    """A tab after a value: libyaml and Compose v2 accept it, PyYAML and docker-compose v1
    do not (cartesi/compute-tutorials#54), so the file is reported rather than rewritten."""
    match = next((m for m in _TRAILING_TAB.finditer(text) if not _in_comment(text, m.start()) and not _in_block_scalar(text, roots, m.start())), None)
    if match is None:
        return
    tab = text.index("\t", match.start())
    line = text.count("\n", 0, tab) + 1
    column = tab - (text.rfind("\n", 0, tab) + 1) + 1
    raise Problem("tab character after value is not valid YAML for all parsers; remove it", line, column)


def _in_comment(text: str, offset: int) -> bool:
    """Whether a ``#`` that starts a comment stands on the line before ``offset`` (quotes aside)."""
    line = text[text.rfind("\n", 0, offset) + 1 : offset + 1]
    return re.search(r"(^|\s)#", line) is not None and not re.search(r"[\"'][^\"']*#", line)


def _in_block_scalar(text: str, roots: list[Occurrence], offset: int) -> bool:
    stack = list(roots)
    while stack:
        occ = stack.pop()
        if occ.alias or not (occ.start <= offset < max(occ.end, occ.start + 1)):
            continue
        if occ.is_scalar:
            return occ.style in ("|", ">", '"', "'") or "#" in text[occ.end : offset + 1]
        stack.extend(k for pair in occ.pairs for k in pair)
        stack.extend(occ.items)
    return False


def _check_duplicates(occ: Occurrence, found: list[Problem]) -> None:
    if occ.alias:
        return
    seen: dict[Any, Occurrence] = {}
    for key_occ, value_occ in occ.pairs:
        if key_occ.is_scalar:
            name = "<<" if key_occ.node.tag == MERGE_TAG else key_occ.value
            if name in seen:
                first = seen[name]
                hint = "; Compose >= 2.17 rejects this, use `<<: [*a, *b]`" if name == "<<" else ""
                found.append(Problem(
                    f'duplicate key "{name}" (first defined at {first.node.start_mark.line + 1}:{first.node.start_mark.column + 1}){hint}',
                    key_occ.node.start_mark.line + 1,
                    key_occ.node.start_mark.column + 1,
                ))
            else:
                seen[name] = key_occ
        _check_duplicates(value_occ, found)
    for item in occ.items:
        _check_duplicates(item, found)


def _content_end(text: str, occ: Occurrence) -> int:
    """Offset just past the last character that belongs to this occurrence's content."""
    if occ.alias or occ.flow:
        return occ.end
    if occ.is_scalar:
        if occ.style in ("|", ">"):
            return occ.start + len(text[occ.start : occ.end].rstrip())
        return occ.end
    last = occ.items[-1] if occ.items else (occ.pairs[-1][1] if occ.pairs else None)
    if last is None:
        return occ.start
    if occ.pairs and last.is_scalar and last.start == last.end:  # `key:` with nothing after it
        colon = text.find(":", occ.pairs[-1][0].end)
        return colon + 1 if colon != -1 else occ.pairs[-1][0].end
    return _content_end(text, last)


def content_end(doc: YamlDocument, occ: Occurrence) -> int:
    return _content_end(doc.text, occ)


def block_column(doc: YamlDocument, collection: Occurrence) -> int:
    """0-based column of a block mapping's keys or a block sequence's dashes.

    A node's own start may be an anchor or tag (``&defaults``) on the parent's line,
    so the first entry tells where the keys really are.
    """
    if collection.is_mapping and collection.pairs:
        return doc.column_of(collection.pairs[0][0].start) - 1
    if collection.is_sequence and collection.items:
        dash = doc.text.rfind("-", 0, collection.items[0].start)
        return doc.column_of(dash) - 1
    return doc.column_of(collection.start) - 1


# plain data --------------------------------------------------------------------

def to_plain(node: Any, memo: dict[int, Any], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise Problem("aliases expand to too many nodes (an alias bomb?); skipped")
    if id(node) in memo:
        value, size = memo[id(node)]
        budget[0] -= size
        if budget[0] < 0:
            raise Problem("aliases expand to too many nodes (an alias bomb?); skipped")
        return value
    before = budget[0]
    if node.id == "scalar":
        value = scalar_value(node.tag, node.value)
    elif node.id == "sequence":
        value = [to_plain(item, memo, budget) for item in node.value]
    else:
        value = _mapping_plain(node, memo, budget)
    memo[id(node)] = (value, before - budget[0])
    return value


def _mapping_plain(node: Any, memo: dict[int, Any], budget: list[int]) -> dict[Any, Any]:
    own: dict[Any, Any] = {}
    merged: dict[Any, Any] = {}
    for key, value in node.value:
        if key.id == "scalar" and key.tag == MERGE_TAG:
            sources = value.value if value.id == "sequence" else [value]
            for source in sources:
                plain = to_plain(source, memo, budget)
                if isinstance(plain, dict):
                    for merged_key, merged_value in plain.items():
                        merged.setdefault(merged_key, merged_value)
            continue
        own[_hashable(to_plain(key, memo, budget))] = to_plain(value, memo, budget)
    return {**{k: v for k, v in merged.items() if k not in own}, **own}


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((repr(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")


def scalar_value(tag: str, raw: str) -> Any:
    if tag == STR_TAG:
        return raw
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return raw.lower() in ("true", "yes", "on", "y")
    if tag == "tag:yaml.org,2002:int" and _INT.match(raw):
        return int(raw.replace("_", ""))
    return Tagged(tag, raw)


# verification -------------------------------------------------------------------------

def verify(before: YamlDocument | None, path: str, source: Source, changes: Any) -> tuple[YamlDocument, str] | str:
    """The output must parse, and its data must be the input's data plus ``changes`` exactly."""
    from dockwright.fixes import DELETE

    try:
        after = parse(path, source)
    except Problem as problem:
        return f"the output would not be valid YAML ({problem})"
    expected = list(before.data) if before is not None else []
    for change in changes:
        while len(expected) <= change.document:
            expected.append(None)
        expected[change.document] = apply_change(expected[change.document], change.path, change.value, DELETE)
    if len(expected) != len(after.data):
        return f"the output has {len(after.data)} documents, expected {len(expected)}"
    for index, (want, got) in enumerate(zip(expected, after.data)):
        difference = first_difference(want, got, ())
        if difference is not None:
            where = "/".join(str(p) for p in difference) or "(document)"
            return f"the output's data differs from the intended change at {where}"
    return after, source.text


def apply_change(data: Any, path: tuple[Any, ...], value: Any, delete: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path``; containers on the path are copied, not mutated."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, list):
        copy = list(data)
        if rest:
            copy[head] = apply_change(copy[head], rest, value, delete)
        elif value is delete:
            del copy[head]
        elif head == len(copy):
            copy.append(value)
        else:
            copy[head] = value
        return copy
    copy = dict(data) if isinstance(data, dict) else {}
    if rest:
        copy[head] = apply_change(copy.get(head), rest, value, delete)
    elif value is delete:
        copy.pop(head, None)
    else:
        copy[head] = value
    return copy


def first_difference(want: Any, got: Any, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if isinstance(want, dict) and isinstance(got, dict):
        for key in list(want) + [k for k in got if k not in want]:
            if key not in want or key not in got:
                return (*path, key)
            found = first_difference(want[key], got[key], (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return path
        for index, (a, b) in enumerate(zip(want, got)):
            found = first_difference(a, b, (*path, index))
            if found is not None:
                return found
        return None
    if type(want) is not type(got) or want != got:
        return path
    return None
