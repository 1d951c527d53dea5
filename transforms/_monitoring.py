"""Shared by the monitoring fixes: which compose service runs a config file, project names,
walking a YAML document with data paths, and merging same-point insertions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.edits import Edit
from dockwright.fixes import suppresses


@dataclass(frozen=True)
class Runner:
    """A compose service that mounts a config file, and where the file appears inside it."""

    doc: YamlDocument
    service: compose.Service
    container_path: str


def runners(project: Any, config_path: str, image: str) -> list[Runner]:
    """Services of every loaded compose file that bind-mount ``config_path``.

    A file mounted on its own always counts; a mounted folder that holds the file
    counts only for a service whose image is ``image`` (``prom/alertmanager``), since
    a folder mount alone says little about which program reads the file.
    """
    wanted = Path(config_path).resolve()
    found: list[Runner] = []
    for doc in project.documents("compose"):
        for service, mounts in _resolved_mounts(doc):
            for source, target in mounts:
                inside = _inside(wanted, source, target)
                if inside is None:
                    continue
                if inside != target and compose.image_name(service.data.get("image")) != image:
                    continue
                found.append(Runner(doc, service, inside))
                break
    return found


def _resolved_mounts(doc: YamlDocument) -> list[tuple[compose.Service, list[tuple[Path, str]]]]:
    """Each service's bind mounts with absolute host paths, worked out once per document."""
    cached = doc._cache.get("bind_mounts")
    if cached is None:
        base = Path(doc.path).resolve().parent
        cached = doc._cache["bind_mounts"] = [
            (service, [((base / Path(source).expanduser()).resolve(), target) for source, target in bind_mounts(service.data)])
            for service in compose.services(doc)
        ]
    return cached


def _inside(wanted: Path, source: Path, target: str) -> str | None:
    if source == wanted:
        return target
    try:
        relative = wanted.relative_to(source)
    except ValueError:
        return None
    return str(PurePosixPath(target) / relative.as_posix())


def bind_mounts(service: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(host source, container target) of each bind mount, short and long syntax."""
    volumes = service.get("volumes")
    if not isinstance(volumes, list):
        return
    for volume in volumes:
        if isinstance(volume, dict):
            if volume.get("type") == "bind" and isinstance(volume.get("source"), str) and isinstance(volume.get("target"), str):
                yield volume["source"], volume["target"]
            continue
        if not isinstance(volume, str) or "$" in volume:
            continue
        parts = volume.split(":")
        if len(parts) >= 2 and parts[0].startswith((".", "/", "~")):
            yield parts[0], parts[1]


def project_name(doc: YamlDocument) -> str:
    """Compose's project name: the top-level ``name:``, else the folder name, normalised."""
    data = doc.plain if isinstance(doc.plain, dict) else {}
    name = data.get("name")
    if isinstance(name, str) and name and "$" not in name:
        return name
    folder = Path(doc.path).resolve().parent.name.lower()
    return re.sub(r"[^a-z0-9_-]", "", folder)


def walk_scalars(doc: YamlDocument, occ: Occurrence | None, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Occurrence | None, Occurrence]]:
    """(data path, key occurrence or None for a sequence item, value occurrence) of every
    scalar the document holds, merged keys included."""
    if occ is None:
        return
    occ = doc.target(occ)
    if occ.is_mapping:
        for key, key_occ, value_occ, _owned in doc.entries(occ):
            if doc.target(value_occ).is_scalar:
                yield (*path, key), key_occ, doc.target(value_occ)
            else:
                yield from walk_scalars(doc, value_occ, (*path, key))
    elif occ.is_sequence:
        for index, item in enumerate(occ.items):
            if doc.target(item).is_scalar:
                yield (*path, index), None, doc.target(item)
            else:
                yield from walk_scalars(doc, item, (*path, index))


def value_text(doc: YamlDocument, occ: Occurrence, new: str) -> str:
    """``new`` written with the quoting the old scalar had."""
    from dockwright.documents.yaml_edits import quote_string, render_scalar

    if occ.style in ("'", '"'):
        return quote_string(new, occ.style)
    return render_scalar(new, doc.quote_char())


def spaced_top_level(doc: YamlDocument, edit: Edit) -> Edit:
    """A new top-level key gets a blank line above it when the file's top-level keys
    are separated by blank lines (the usual compose and prometheus.yml layout)."""
    root = doc.root
    if root is None or not root.is_mapping or root.flow or len(root.pairs) < 2 or edit.start != edit.end:
        return edit
    text = doc.text
    spaced = sum(1 for key, _ in root.pairs[1:] if _blank_above(text, key.start))
    if spaced * 2 < len(root.pairs) - 1 or _blank_above(text, edit.start) or not text[:edit.start].endswith("\n"):
        return edit
    return Edit(edit.start, edit.end, doc.source.newline + edit.replacement)


def _blank_above(text: str, offset: int) -> bool:
    """Whether a blank line precedes the line of ``offset`` (comment lines skipped)."""
    start = text.rfind("\n", 0, offset) + 1
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        line = text[previous : start - 1].strip()
        if not line:
            return True
        if not line.startswith("#"):
            return False
        start = previous
    return False




def suppressed(doc: YamlDocument, offset: int, code: str) -> bool:
    """``# dockwright: ignore[CODE]`` on the line of ``offset``. The engine honours it per
    fix; fixes that bundle several places (one edit set per file) check each place here."""
    return suppresses(doc.line_text(doc.line_of(offset)), code)
