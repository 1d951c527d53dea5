"""Find ``${VAR}`` placeholders in an Alertmanager config and decide, field by field,
whether a ``*_file`` twin can take the value (DW104)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.alertmanager import FileField, version_of_tag, Placeholder, Version, describe, file_field_for, placeholders, show_version, whole_placeholder
from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.transforms._monitoring import Runner, suppressed, walk_scalars
from dockwright.transforms._monitoring_template import CONFIG_NAME


@dataclass(frozen=True)
class Finding:
    """One string of the config that holds placeholders."""

    path: tuple[Any, ...]
    key: Occurrence | None
    value: Occurrence
    found: tuple[Placeholder, ...]
    file_field: FileField | None
    movable: bool  # the whole value is one placeholder and a *_file twin exists in this version
    reason: str  # why it cannot move (empty when it can)

    @property
    def variable(self) -> str:
        return self.found[0].name

    @property
    def where(self) -> str:
        return describe(self.path)

    @property
    def names(self) -> str:
        return ", ".join(dict.fromkeys("${" + p.name + "}" for p in self.found))


def findings(doc: YamlDocument, version: Version, image: str) -> Iterator[Finding]:
    for path, key, value in walk_scalars(doc, doc.root):
        if suppressed(doc, value.start, "DW104"):
            continue
        text = value.value
        if not isinstance(text, str) or "$" not in text or value.node.tag != "tag:yaml.org,2002:str":
            continue
        found = tuple(placeholders(text))
        if not found:
            continue
        twin = file_field_for(path)
        reason = _obstacle(doc, path, key, value, text, twin, version, image)
        yield Finding(path, key, value, found, twin, not reason, reason)


def _obstacle(doc: YamlDocument, path: tuple[Any, ...], key: Occurrence | None, value: Occurrence, text: str, twin: FileField | None, version: Version, image: str) -> str:
    if twin is None:
        return "the field has no *_file form"
    if whole_placeholder(text) is None:
        return f"the placeholder is only part of the value, so {twin.file_field} cannot hold it"
    if version < twin.since:
        return f"{twin.file_field} requires Alertmanager >= {show_version(twin.since)} (image is {image}); upgrade the image"
    if key is None or key.shared or value.shared or value.style in ("|", ">"):
        return "the value is shared through an anchor or written as a block; move it by hand"
    parent = doc.plain
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and twin.file_field in parent:
        return f"{twin.file_field} is already set next to it (they are mutually exclusive)"
    return ""


def secret_name(variable: str) -> str:
    return variable.lower()


def oldest_image(running: list[Runner]) -> tuple[str, Any, bool]:
    """The image whose version limits the fields: the oldest of the services that run the file."""
    if not running:
        return "", *version_of_tag(None)
    images = [str(r.service.data.get("image") or "") for r in running]
    versions = [(version_of_tag(compose.image_tag(i)), i) for i in images]
    (version, known), image = min(versions, key=lambda v: v[0][0])
    return image, version, known


def rendered_by_compose(project: Any) -> bool:
    """Whether DW104's unsafe fix already moved an Alertmanager config into compose."""
    return any(CONFIG_NAME in (((d.plain or {}).get("configs") or {}) if isinstance(d.plain, dict) else {}) for d in project.documents("compose"))
