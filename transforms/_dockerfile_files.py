"""Files beside a Dockerfile or in its build context (package.json, lockfiles, .dockerignore).

Transforms read them only through the engine's Project, so that a run does no IO the
engine does not know about, and a file another fix creates in this run counts.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dockwright.documents import compose
from dockwright.documents.dockerfile import DockerfileDocument


def beside(doc: DockerfileDocument, name: str) -> Path:
    return Path(doc.path).parent / name


def build_contexts(doc: DockerfileDocument, context: Any) -> list[Path]:
    """The build contexts of a Dockerfile: those of Compose services that build it
    (``build: {context: ., dockerfile: apps/web/Dockerfile}``), else its own folder."""
    found: list[Path] = []
    me = Path(doc.path).resolve()
    for document in context.project.documents("compose") if context is not None else []:
        services = document.plain.get("services") if isinstance(document.plain, dict) else None
        for service in (services or {}).values():
            paths = compose.build_paths(document.path, service.get("build")) if isinstance(service, dict) else None
            if paths is None:
                continue
            root, dockerfile = paths
            if dockerfile.resolve() == me and root.resolve() not in [f.resolve() for f in found]:
                found.append(root)
    return found or [Path(doc.path).parent]


def _candidates(doc: DockerfileDocument, context: Any, name: str) -> list[Path]:
    """``name`` beside the Dockerfile first, then in each build context."""
    paths = [beside(doc, name)]
    for root in build_contexts(doc, context):
        if (root / name).resolve() != paths[0].resolve():
            paths.append(root / name)
    return paths


def read_json(doc: DockerfileDocument, context: Any, name: str) -> dict[str, Any] | None:
    if context is None:
        return None
    for path in _candidates(doc, context, name):
        text = context.project.read_text(path)
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None
    return None


def found_path(doc: DockerfileDocument, context: Any, name: str) -> Path | None:
    """Where ``name`` is, beside the Dockerfile or in its build context; on disk, or
    created earlier in this run (a .dockerignore another fix made)."""
    if context is None:
        return None
    for path in _candidates(doc, context, name):
        if context.project.exists(path):
            return path
    return None


def exists(doc: DockerfileDocument, context: Any, name: str) -> bool:
    return found_path(doc, context, name) is not None
