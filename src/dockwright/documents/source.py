"""Byte-exact reading: BOM, newline style, decoding errors as positioned problems."""
from __future__ import annotations

import bisect
from dataclasses import dataclass

BOM = "\ufeff"
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Problem(Exception):
    """Input the tool cannot work on: reported as ``path:line:col: message``."""

    message: str
    line: int = 1
    column: int = 1
    more: tuple["Problem", ...] = ()  # further problems of the same file, each its own line

    def every(self) -> tuple["Problem", ...]:
        return (self, *self.more)

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Source:
    """Decoded text without its BOM; edits use offsets into ``text``."""

    text: str
    bom: bool
    newline: str

    def encode(self, text: str) -> bytes:
        return ((BOM if self.bom else "") + text).encode("utf-8")

    def with_newlines(self, fragment: str) -> str:
        """Fragments are written with ``\\n``; a CRLF file gets CRLF."""
        return fragment.replace("\n", self.newline) if self.newline != "\n" else fragment


def decode(data: bytes) -> Source:
    if len(data) > MAX_BYTES:
        raise Problem(f"file is larger than {MAX_BYTES // 1_000_000} MB; skipped")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise Problem(f"not valid UTF-8 (byte 0x{data[error.start]:02x}); skipped", line, column) from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    return Source(text=text, bom=bom, newline=dominant_newline(text))


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def line_starts(text: str) -> list[int]:
    starts = [0]
    found = text.find("\n")
    while found != -1:
        starts.append(found + 1)
        found = text.find("\n", found + 1)
    return starts


class LineIndexed:
    """1-based lines and columns for a document that has ``text`` and a ``_starts`` list."""

    text: str
    _starts: list[int]

    def _line_starts(self) -> list[int]:
        if not self._starts:
            self._starts = line_starts(self.text)
        return self._starts

    def line_of(self, offset: int) -> int:
        return max(1, bisect.bisect_right(self._line_starts(), offset))

    def column_of(self, offset: int) -> int:
        return offset - self._line_starts()[self.line_of(offset) - 1] + 1

    def line_text(self, line: int) -> str:
        starts = self._line_starts()
        if not 0 < line <= len(starts):
            return ""
        end = self.text.find("\n", starts[line - 1])
        return self.text[starts[line - 1] : end if end != -1 else len(self.text)].rstrip("\r")
