"""Helpers the phase-2 Compose fixes share: image parts, raw flow values, suppression."""
from __future__ import annotations

import re
from typing import Any

from dockwright.documents import compose
from dockwright.documents.yaml import Tagged, YamlDocument
from dockwright.documents.yaml_edits import quote_string
from dockwright.fixes import SECRET_NAME_WORDS, suppresses

RAW_TAG = "!dockwright-raw"  # a value already rendered as YAML text; never reaches the data
SECRET_WORDS = re.compile(SECRET_NAME_WORDS, re.I)


def raw(text: str) -> Tagged:
    """A value that ``add_entries`` writes as it is (a flow list in a block mapping)."""
    return Tagged(RAW_TAG, text)


def flow_strings(items: list[str] | tuple[str, ...], quote: str = '"') -> str:
    """``["CMD", "pg_isready"]``: every item quoted, as Docker's docs write `test`.

    The file's quote character is used unless an item contains it (a `node -e`
    snippet with single quotes), so no item needs escaping it does not already need.
    """
    def one(item: str) -> str:
        char = quote if quote not in item else ('"' if quote == "'" else "'")
        return quote_string(item, char if "\n" not in item else '"')

    return "[" + ", ".join(one(i) for i in items) + "]"


def repository(image: Any) -> str:
    """``docker.io/library/postgres:16@sha256:..`` -> ``postgres``; ``prom/prometheus:v2`` -> ``prom/prometheus``."""
    if not isinstance(image, str):
        return ""
    name = image.split("@", 1)[0]
    head, _, last = name.rpartition("/")
    last = last.split(":", 1)[0]
    name = f"{head}/{last}" if head else last
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name.lower()


def tag_of(image: Any) -> str:
    return compose.image_tag(image) or ""


def major(tag: str) -> int | None:
    """The leading version number of a tag (``15-alpine`` -> 15), None for ``latest``/``lts``."""
    match = re.match(r"v?(\d+)", tag)
    return int(match.group(1)) if match else None


def version_tuple(tag: str) -> tuple[int, ...] | None:
    match = re.match(r"v?(\d+(?:\.\d+)*)", tag)
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


def environment(service: dict[str, Any]) -> dict[str, str | None]:
    """``environment`` as a mapping, from either the list or the mapping form."""
    value = service.get("environment")
    if isinstance(value, dict):
        return {str(k): (None if v is None else str(v)) for k, v in value.items()}
    if isinstance(value, list):
        pairs = (str(item).split("=", 1) for item in value if isinstance(item, (str, int)))
        return {p[0]: (p[1] if len(p) > 1 else None) for p in pairs}
    return {}


def command_text(service: dict[str, Any], key: str = "command") -> str:
    value = service.get(key)
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value) if value is not None else ""


def suppressed(doc: YamlDocument, path: tuple[Any, ...], code: str) -> bool:
    """Whether a ``# dockwright: ignore[CODE]`` comment covers ``path`` (as the engine reads it)."""
    return any(suppresses(doc.line_text(line), code) for line in doc.owner_lines(path))


def shared_service(doc: YamlDocument, service: compose.Service) -> bool:
    """The service mapping is an anchor other services use: editing it would change them too."""
    return service.node.shared or doc.target(service.node).shared
