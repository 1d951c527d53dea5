"""What a transform returns: fixes (a message plus text edits) and notices.

A transform never raises for an expected situation: "skip this, and say why" is a
:class:`Notice`. The engine owns ordering, conflicts, verification and writing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Iterable

from dockwright.edits import Edit

DELETE = object()
# Names whose values are secrets: masked, never printed, never copied into generated files.
SECRET_NAME_WORDS = r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?"


class Applicability(str, Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY = "display-only"


@dataclass(frozen=True)
class Change:
    """The data change a fix intends, checked against a reparse of its output.

    ``path`` is a key path into the parsed data of document ``document``;
    ``value`` is the new plain value, or ``DELETE``.
    """

    path: tuple[Any, ...]
    value: Any = DELETE
    document: int = 0


@dataclass(frozen=True)
class Fix:
    code: str
    message: str
    edits: tuple[Edit, ...]
    changes: tuple[Change, ...] = ()
    offset: int = 0
    path: tuple[Any, ...] = ()
    file: str | None = None  # another file than the one the transform looked at
    group: str | None = None  # fixes sharing a group apply together or not at all
    creates: bool = False  # the file does not exist yet
    applicability: Applicability = Applicability.SAFE
    # (name, value) pairs: a secret value the edit removes, masked wherever a diff of
    # this file shows it on a line that names it
    redact: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Notice:
    code: str
    message: str
    offset: int | None = None
    path: tuple[Any, ...] = ()
    file: str | None = None
    severity: str = "warning"  # "info" | "warning" | "error"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    phase: int
    kind: str  # compose | dockerfile | prometheus | alertmanager | project
    applicability: Applicability
    title: str
    check: Callable[..., Iterable[Fix | Notice]]
    doc: str = ""
    environments: tuple[str, ...] = ("dev", "staging", "prod")
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def files(self) -> str:
        """The kinds of file the fix reads and edits, for tables (``alertmanager + compose``)."""
        if self.kind == "project":
            return " + ".join(self.options.get("reads", ())) or "project"
        return self.kind

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.title

    def section(self, heading: str) -> str:
        match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", self.doc, re.S | re.M)
        return match.group(1).strip() if match else ""


SUPPRESSION = re.compile(r"#\s*dockwright:\s*ignore(?:\[([A-Za-z0-9_,\s-]+)\])?")


def suppresses(line: str, code: str) -> bool:
    """Whether ``line`` carries ``# dockwright: ignore`` for ``code`` (or for every fix)."""
    match = SUPPRESSION.search(line)
    return match is not None and (match.group(1) is None or code in {c.strip().upper() for c in match.group(1).split(",")})


DOC_HEADINGS = ("What it does", "Why", "Example", "Fix safety", "Options")
