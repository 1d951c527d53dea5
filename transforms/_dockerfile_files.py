"""Files beside a Dockerfile or in its build context (package.json, lockfiles, .dockerignore).

Transforms read them only through the engine's Project, so that a run does no IO the
engine does not know about, and a file another fix creates in this run counts.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dockwright.documents.dockerfile import DockerfileDocument


def beside(doc: DockerfileDocument, name: str) -> Path:
    return Path(doc.path).parent / name


def build_contexts(doc: DockerfileDocument, context: Any) -> list[Path]:
    """The build contexts of a Dockerfile: those of Compose services that build it
    (``build: {context: ., dockerfile: apps/web/Dockerfile}``), else its own folder."""
    found: list[Path] = []
    me = Path(doc.path).resolve()
    for compose in context.project.documents("compose") if context is not None else []:
        services = compose.plain.get("services") if isinstance(compose.plain, dict) else None
        for service in (services or {}).values():
            build = service.get("build") if isinstance(service, dict) else None
            if isinstance(build, str):
                build = {"context": build}
            if not isinstance(build, dict) or "$" in str(build.get("context", ".")):
                continue
            root = Path(compose.path).parent / str(build.get("context", "."))
            if (root / str(build.get("dockerfile", "Dockerfile"))).resolve() == me and root.resolve() not in [f.resolve() for f in found]:
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
