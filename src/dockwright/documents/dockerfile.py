"""Dockerfiles: dockerfile-parse finds the instructions; edits are spliced into the original text.

dockerfile-parse is used read-only (its setters rewrite files). It does not know
heredocs (containerbuildsystem/dockerfile-parse#145): it would read a ``RUN <<EOF``
body as instructions. A pre-pass therefore finds heredoc bodies first and hands the
parser a copy in which every body line is an empty comment, so line numbers stay
the same; the bodies are kept as opaque spans of their instruction.

What "changes" mean for a Dockerfile
------------------------------------
A fix declares which lines of its input it may touch, as
``Change(("lines", first, last))`` with 1-based inclusive line numbers: lines in
that range may be replaced or deleted, and new text may be inserted inside it or
at its edges. Everything outside the declared lines must come back byte for byte,
in order. ``Change(("file",))`` allows a rewrite of the whole
file (the multi-stage conversion). :func:`verify` reparses the output and refuses
it when a line outside the declared ranges changed, a heredoc body or parser
directive changed, an instruction is unknown, a ``COPY --from`` names no stage, or
the final stage lost its ``USER`` or its command.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Sequence

from dockwright.documents.source import LineIndexed, Problem, Source, line_starts

KNOWN = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}
DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*([A-Za-z]+)[ \t]*=[ \t]*(.*?)[ \t]*\r?$")
HEREDOC = re.compile(r"<<(-?)[ \t]*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
COMMENT = re.compile(r"^[ \t]*#")


@dataclass(frozen=True)
class Heredoc:
    """A heredoc body: its lines and the terminator line, opaque to every fix."""

    start: int
    end: int
    text: str
    strip_tabs: bool


@dataclass(frozen=True)
class Logical:
    """An instruction's arguments as the builder sees them (continuations joined,
    comment lines dropped), with the original offset of every character."""

    text: str
    offsets: tuple[int, ...]  # len(text) + 1 entries; the last is the end sentinel

    def origin(self, index: int) -> int:
        return self.offsets[index]


@dataclass(frozen=True)
class Instruction:
    index: int
    keyword: str  # upper-case
    word: str  # as written (``run``, ``Run``)
    start: int  # offset of the keyword
    end: int  # end of the instruction's last line, newline excluded (heredoc bodies excluded)
    line_start: int  # offset of the first line's start (indentation included)
    first_line: int  # 1-based
    last_line: int  # last line of the instruction, heredoc bodies included
    value: str  # dockerfile-parse's value: continuations joined, comments dropped
    args: Logical
    heredocs: tuple[Heredoc, ...] = ()
    stage: int = -1  # index into DockerfileDocument.stages; -1 before the first FROM

    @property
    def is_exec_form(self) -> bool:
        return self.args.text.lstrip().startswith("[")

    def flags(self) -> dict[str, str]:
        """``--from=deps --chown=node`` style flags at the start of the arguments."""
        found: dict[str, str] = {}
        for word in self.args.text.split():
            if not word.startswith("--"):
                break
            name, _, value = word[2:].partition("=")
            found[name.lower()] = value
        return found


@dataclass(frozen=True)
class Stage:
    index: int
    base: str  # the image reference as written, ``${BASE}`` included
    alias: str | None
    instructions: tuple[Instruction, ...]

    def named(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.named(keyword)
        return found[-1] if found else None


@dataclass(eq=False)
class DockerfileDocument(LineIndexed):
    path: str
    source: Source
    directives: dict[str, str]
    instructions: list[Instruction]
    stages: list[Stage]
    escape: str = "\\"
    _starts: list[int] = field(default_factory=list)

    plain = None

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def heredocs(self) -> list[Heredoc]:
        return [h for i in self.instructions for h in i.heredocs]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    @property
    def global_args(self) -> list[Instruction]:
        return [i for i in self.instructions if i.stage == -1 and i.keyword == "ARG"]

    def stage_named(self, name: str) -> Stage | None:
        for stage in self.stages:
            if stage.alias and stage.alias.lower() == name.lower():
                return stage
        return self.stages[int(name)] if name.isdigit() and int(name) < len(self.stages) else None

    def owner_lines(self, path: tuple[Any, ...]) -> list[int]:
        """Lines whose ``# dockwright: ignore[...]`` comment keeps a fix away.

        A fix's path is ``("instruction", index)``: the instruction's own lines
        count, and so does a comment line directly above it (``FROM x # ...`` is not
        valid Dockerfile syntax, so that is where most people put it).
        """
        if len(path) != 2 or path[0] != "instruction" or not 0 <= path[1] < len(self.instructions):
            return []
        instruction = self.instructions[path[1]]
        lines = list(range(instruction.first_line, instruction.last_line + 1))
        above = instruction.first_line - 1
        while above >= 1 and COMMENT.match(self.line_text(above)):
            lines.append(above)
            above -= 1
        return lines


# parsing -------------------------------------------------------------------------

def parse(path: str, source: Source) -> DockerfileDocument:
    text = source.text
    lines = text.split("\n")
    directives, escape = _directives(lines)
    entries = _structure(_without_heredoc_bodies(lines, escape))
    starts = line_starts(text)
    instructions: list[Instruction] = []
    covered: set[int] = set()
    for entry in entries:
        instruction, bodies_end = _instruction(len(instructions), entry, lines, starts, escape)
        instructions.append(instruction)
        covered.update(range(entry["startline"], bodies_end + 1))
    _check_uncovered(lines, covered)
    instructions = _with_stages(instructions)
    return DockerfileDocument(path, source, directives, instructions, _stages(instructions), escape, starts)


def _directives(lines: list[str]) -> tuple[dict[str, str], str]:
    found: dict[str, str] = {}
    for line in lines:
        match = DIRECTIVE.match(line)
        if match is None or match.group(1).lower() in found:
            break
        found[match.group(1).lower()] = match.group(2)
    escape = found.get("escape", "\\")
    if escape not in ("\\", "`"):
        raise Problem(f"invalid escape directive {escape!r}; only \\ and ` are allowed", 1, 1)
    return found, escape


def _continuation_end(lines: list[str], first: int, escape: str) -> int:
    """The last line of the instruction that starts at ``first``; comment and blank
    lines inside a continuation do not end it (the builder skips them)."""
    index = first
    while index < len(lines) - 1:
        line = lines[index]
        inside = index > first and (COMMENT.match(line) or not line.strip())
        if not inside and (COMMENT.match(line) or not line.rstrip().endswith(escape)):
            break
        index += 1
    return index


def _without_heredoc_bodies(lines: list[str], escape: str) -> list[str]:
    """A copy of the lines where heredoc bodies are empty comments, line count kept."""
    masked = list(lines)
    index = 0
    while index < len(lines):
        first = index
        index = _continuation_end(lines, first, escape)
        head = " ".join(lines[first : index + 1])
        index += 1
        if COMMENT.match(lines[first]) or not re.match(r"\s*(run|copy|add)\b", head, re.I):
            continue
        for match in HEREDOC.finditer(head):
            index = _mask_body(lines, masked, index, match.group(3), bool(match.group(1)))
    return masked


def _mask_body(lines: list[str], masked: list[str], index: int, word: str, strip_tabs: bool) -> int:
    start = index
    while index < len(lines):
        line = lines[index].rstrip("\r")
        masked[index] = "#"
        index += 1
        if (line.lstrip("\t") if strip_tabs else line) == word:
            return index
    raise Problem(f"heredoc <<{word} is never terminated", start, 1)


def _structure(lines: list[str]) -> list[dict[str, Any]]:
    import io

    from dockerfile_parse import DockerfileParser

    content = "\n".join(lines)
    parser = DockerfileParser(fileobj=io.BytesIO(content.encode("utf-8")), env_replace=False)
    entries = [e for e in parser.structure if e["instruction"] != "COMMENT"]
    last = max((e["endline"] for e in entries), default=-1)
    trailing = [n for n in range(last + 1, len(lines)) if lines[n].strip() and not COMMENT.match(lines[n])]
    if trailing:
        # dockerfile-parse drops an instruction whose last line still continues at the end of the file.
        first = trailing[0]
        word, _, value = lines[first].strip().partition(" ")
        entries.append({"instruction": word.upper(), "startline": first, "endline": len(lines) - 1, "value": value})
    return entries


def _instruction(index: int, entry: dict[str, Any], lines: list[str], starts: list[int], escape: str) -> tuple[Instruction, int]:
    first, last = entry["startline"], entry["endline"]
    while last > first and not lines[last].strip():
        last -= 1
    keyword = entry["instruction"]
    if keyword not in KNOWN:
        column = len(lines[first]) - len(lines[first].lstrip()) + 1
        raise Problem(f"unknown instruction: {keyword}", first + 1, column)
    line_start = starts[first]
    start = line_start + len(lines[first]) - len(lines[first].lstrip())
    word = lines[first].lstrip().split(None, 1)[0] if lines[first].strip() else keyword
    end = starts[last] + len(lines[last].rstrip("\r"))
    args = _logical(lines, starts, first, last, escape, start + len(word))
    heredocs, bodies_end = _heredocs(keyword, args.text, lines, starts, last)
    instruction = Instruction(index, keyword, word, start, end, line_start, first + 1, bodies_end + 1, entry.get("value") or "", args, heredocs)
    return instruction, bodies_end


def _logical(lines: list[str], starts: list[int], first: int, last: int, escape: str, begin: int) -> Logical:
    chars: list[str] = []
    offsets: list[int] = []
    for number in range(first, last + 1):
        line = lines[number].rstrip("\r")
        if number > first and COMMENT.match(line):
            continue
        low = begin - starts[number] if number == first else 0
        high = len(line)
        if number < last and line.rstrip().endswith(escape):
            high = len(line.rstrip()) - 1
        for column in range(low, high):
            chars.append(line[column])
            offsets.append(starts[number] + column)
    end = starts[last] + len(lines[last].rstrip("\r"))
    offsets.append(end)
    return Logical("".join(chars), tuple(offsets))


def _heredocs(keyword: str, args: str, lines: list[str], starts: list[int], last: int) -> tuple[tuple[Heredoc, ...], int]:
    if keyword not in ("RUN", "COPY", "ADD"):
        return (), last
    found: list[Heredoc] = []
    index = last + 1
    for match in HEREDOC.finditer(args):
        word, strip_tabs = match.group(3), bool(match.group(1))
        body_first = index
        while index < len(lines) and ((lines[index].rstrip("\r").lstrip("\t") if strip_tabs else lines[index].rstrip("\r")) != word):
            index += 1
        body_start = starts[body_first] if body_first < len(starts) else len("\n".join(lines))
        body_end = starts[index] + len(lines[index].rstrip("\r")) if index < len(lines) else body_start
        found.append(Heredoc(body_start, body_end, "\n".join(lines[body_first : index + 1]), strip_tabs))
        index += 1
    return tuple(found), index - 1


def _check_uncovered(lines: list[str], covered: set[int]) -> None:
    for number, line in enumerate(lines):
        if number in covered or not line.strip() or COMMENT.match(line):
            continue
        column = len(line) - len(line.lstrip()) + 1
        raise Problem(f"cannot read this line as an instruction: {line.strip()[:40]!r}", number + 1, column)


def _stages(instructions: list[Instruction]) -> list[Stage]:
    groups: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.stage == len(groups):
            groups.append([instruction])
        elif instruction.stage >= 0:
            groups[-1].append(instruction)
    return [_stage(index, group) for index, group in enumerate(groups)]


def _stage(index: int, instructions: list[Instruction]) -> Stage:
    words = [w for w in instructions[0].args.text.split() if not w.startswith("--")]
    base = words[0] if words else ""
    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    return Stage(index, base, alias, tuple(instructions))


def _with_stages(instructions: list[Instruction]) -> list[Instruction]:
    """Each instruction with the index of its stage (-1 for ARGs before the first FROM)."""
    stage = -1
    result = []
    for instruction in instructions:
        stage += instruction.keyword == "FROM"
        result.append(replace(instruction, stage=stage))
    return result


# verification --------------------------------------------------------------------

def verify(before: DockerfileDocument | None, path: str, source: Source, changes: Sequence[Any]) -> tuple[DockerfileDocument, str] | str:
    """Reparse the output and check it against the input plus the declared line ranges."""
    try:
        after = parse(path, source)
    except Problem as problem:
        return f"the output would not be a valid Dockerfile (line {problem.line}: {problem.message})"
    if before is None:
        return after, source.text
    checks = (_directives_kept, _heredocs_kept, _stage_references, _final_stage_kept)
    for check in checks:
        reason = check(before, after)
        if reason:
            return reason
    if not any(tuple(c.path[:1]) == ("file",) for c in changes):
        reason = _outside_ranges(before, after, _ranges(changes))
        if reason:
            return reason
    return after, source.text


def _ranges(changes: Iterable[Any]) -> list[tuple[int, int]]:
    return [(c.path[1], c.path[2]) for c in changes if len(c.path) == 3 and c.path[0] == "lines"]


def _outside_ranges(before: DockerfileDocument, after: DockerfileDocument, ranges: list[tuple[int, int]]) -> str | None:
    """The output must be the input's text outside the declared lines, in order, with
    anything at all in the declared places: ``U0 + X1 + U1 + ... + Un``.

    Matching the untouched segments in order (rather than diffing lines) stays exact
    when a file repeats a line next to the one that changed.
    """
    allowed = {line for a, b in ranges for line in range(a, b + 1)}
    segments = _untouched_segments(before, allowed)
    text, position = after.text, 0
    if len(segments) == 1:
        return None if text == segments[0][1] else "the file changed, but no fix declared which lines it changes"
    for index, (line, segment) in enumerate(segments):
        if index == 0:
            found = 0 if text.startswith(segment) else -1
        elif index == len(segments) - 1:
            found = len(text) - len(segment) if text.endswith(segment) and len(text) - len(segment) >= position else -1
        else:
            found = text.find(segment, position)
        if found == -1:
            return f"line {line} changed, outside the instructions the fix meant to change"
        position = found + len(segment)
    return _instructions_kept(before, after, allowed)


def _untouched_segments(document: DockerfileDocument, allowed: set[int]) -> list[tuple[int, str]]:
    """(first line, text) of each run of lines outside ``allowed``, newlines included:
    one segment, possibly empty, before, between and after the runs of allowed lines."""
    lines = document.text.split("\n")
    segments: list[tuple[int, str]] = [(1, "")]
    inside = False
    for number, line in enumerate(lines, start=1):
        if number in allowed:
            inside = True
            continue
        if inside:
            segments.append((number, ""))
            inside = False
        first, text = segments[-1]
        segments[-1] = (first, text + line + ("\n" if number < len(lines) else ""))
    if inside:
        segments.append((len(lines), ""))
    return segments


def _instructions_kept(before: DockerfileDocument, after: DockerfileDocument, allowed: set[int]) -> str | None:
    """Every instruction the fixes did not mean to touch reads the same after reparsing
    (an appended line must not become part of a continued instruction, say)."""
    remaining = [_raw(after, i) for i in after.instructions]
    for instruction in before.instructions:
        if any(line in allowed for line in range(instruction.first_line, instruction.last_line + 1)):
            continue
        raw = _raw(before, instruction)
        if raw not in remaining:
            return f"the instruction on line {instruction.first_line} would read differently"
        remaining.remove(raw)
    return None


def _raw(document: DockerfileDocument, instruction: Instruction) -> str:
    end = instruction.heredocs[-1].end if instruction.heredocs else instruction.end
    return document.text[instruction.start : end]


def _directives_kept(before: DockerfileDocument, after: DockerfileDocument) -> str | None:
    return None if before.directives == after.directives else "a parser directive (# syntax= / # escape=) changed"


def _heredocs_kept(before: DockerfileDocument, after: DockerfileDocument) -> str | None:
    remaining = [h.text for h in after.heredocs]
    for heredoc in before.heredocs:
        if heredoc.text not in remaining:
            return "a heredoc body changed"
        remaining.remove(heredoc.text)
    return None


def dangling_stage_references(document: DockerfileDocument) -> list[str]:
    """``COPY --from=NAME`` where NAME is no earlier stage and does not look like an image."""
    dangling = []
    for stage in document.stages:
        earlier = {s.alias.lower() for s in document.stages[: stage.index] if s.alias} | {str(n) for n in range(stage.index)}
        for copy in stage.named("COPY"):
            name = copy.flags().get("from")
            if name and name.lower() not in earlier and not re.search(r"[:/.$]", name):
                dangling.append(name)
    return dangling


def _stage_references(before: DockerfileDocument, after: DockerfileDocument) -> str | None:
    new = set(dangling_stage_references(after)) - set(dangling_stage_references(before))
    return f"COPY --from={sorted(new)[0]} names no stage" if new else None


def _final_stage_kept(before: DockerfileDocument, after: DockerfileDocument) -> str | None:
    if before.final is None:
        return None
    if after.final is None:
        return "the output has no FROM"
    for keyword in ("CMD", "ENTRYPOINT", "USER"):
        if before.final.named(keyword) and not after.final.named(keyword):
            return f"the final stage lost its {keyword}"
    return None
