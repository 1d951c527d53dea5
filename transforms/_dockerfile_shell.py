"""The shell inside RUN, CMD and ENTRYPOINT, as far as the fixes need it.

The scanner is deliberately small: it knows quotes, backslash escapes, comments and
the control operators, which is all the fixes need to decide where a command ends
and whether a command line is plain enough to become exec form.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

OPERATORS = ("&&", "||", ";;", ";", "|", "&", "\n")
SHELL_SYNTAX = re.compile(r"[$`|&;<>(){}*?\[\]~#!\\]|^\s*\w+=")


@dataclass(frozen=True)
class Command:
    """One simple command inside a shell command line: ``text[start:end]`` of the logical text."""

    start: int
    end: int
    text: str

    @property
    def words(self) -> list[str]:
        return self.text.split()


def _unquoted(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of every character outside quotes and backslash escapes."""
    quote = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        else:
            yield index, char
        index += 1


def shell_comment(text: str) -> int | None:
    """Index where a shell comment starts in ``text`` (outside quotes), or None."""
    return next((i for i, char in _unquoted(text) if char == "#" and (i == 0 or text[i - 1].isspace())), None)


@lru_cache(maxsize=1024)
def commands(text: str) -> tuple[Command, ...]:
    """The simple commands of a command line, split at control operators outside quotes.

    Cached: every RUN fix asks about the same RUN lines."""
    limit = shell_comment(text)
    text = text if limit is None else text[:limit]
    found: list[Command] = []
    start = 0
    for index, char in _unquoted(text):
        if index < start or char not in "&|;\n":
            continue
        operator = next((op for op in OPERATORS if text.startswith(op, index)), None)
        if operator:
            found.append(_command(text, start, index))
            start = index + len(operator)
    found.append(_command(text, start, len(text)))
    return tuple(c for c in found if c.text.strip())


def _command(text: str, start: int, end: int) -> Command:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return Command(start, end, text[start:end])


def plain_words(text: str) -> list[str] | None:
    """The words of a command line with no shell syntax at all, or None.

    Quotes are allowed when they only group words; anything the shell would expand
    or interpret (``&&``, pipes, redirects, ``$VAR``, globs, ``~``) keeps the shell form.
    """
    import shlex

    if SHELL_SYNTAX.search(text) or not text.strip():
        return None
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError:
        return None
    return words or None


def exec_form(words: list[str]) -> str:
    return json.dumps(words, ensure_ascii=False)
