"""One module per file format: parse, locate nodes with positions, emit text edits.

The engine reaches formats only through :func:`load_document` and
:func:`verify_document`, so that adding a format touches this table and its module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from dockwright.documents.source import Source


@dataclass(frozen=True)
class TextDocument:
    """A file the tool only writes whole (a created ``.dockerignore``)."""

    path: str
    source: Source

    @property
    def text(self) -> str:
        return self.source.text

    plain = None


def load_document(kind: str, path: str, source: Source) -> Any:
    if kind == "yaml":
        from dockwright.documents import yaml

        return yaml.parse(path, source)
    if kind == "dockerfile":
        from dockwright.documents import dockerfile

        return dockerfile.parse(path, source)
    return TextDocument(path, source)


def verify_document(kind: str, before: Any, path: str, source: Source, text: str, changes: Sequence[Any]) -> tuple[Any, str] | str:
    """Parse ``text`` again and check it against ``before`` plus ``changes``.

    Returns (new document, text) when the output is what the fixes said, or a reason.
    """
    after_source = Source(text=text, bom=source.bom, newline=source.newline)
    if kind in ("yaml", "compose", "prometheus", "alertmanager", "kubernetes"):
        from dockwright.documents import yaml

        return yaml.verify(before, path, after_source, changes)
    if kind == "dockerfile":
        from dockwright.documents import dockerfile

        return dockerfile.verify(before, path, after_source, changes)
    return TextDocument(path, after_source), text
