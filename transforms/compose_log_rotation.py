"""Give every prod service log rotation.

## What it does
Adds `logging` with size-based rotation to each service of a prod Compose file that
has no `logging` (its own, or through a `<<:` merge key). When the file already
defines a logging anchor in an `x-` extension field (`x-logging: &default-logging`),
the service gets `logging: *default-logging`; otherwise it gets the block below.

## Why
Docker's default `json-file` driver never rotates: a chatty service fills the host's
disk, and then every service on it fails. Rotation caps each container's logs.

## Example
```yaml
# before
services:
  api:
    image: example/api:2.3
# after
services:
  api:
    image: example/api:2.3
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: "3"
```

## Fix safety
Safe: only the local log files are capped (30 MB per container by default); logs
shipped elsewhere by another driver are not affected, because services with any
`logging` are left alone. An anchor is reused only when it is defined before the
service (YAML requires that) and rotates (`max-size`, or the `local` driver).

## Options
```toml
[tool.dockwright.DW213]
max-size = "50m"
max-file = "5"
```
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.documents.yaml_edits import add_entries, style_of
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import raw, shared_service

CODE = "DW213"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    options = context.options if context else {}
    default = {"driver": "json-file", "options": {"max-size": str(options.get("max-size", "10m")), "max-file": str(options.get("max-file", "3"))}}
    anchor = _logging_anchor(doc)
    for service in compose.services(doc):
        if "logging" in service.data:
            continue
        path = ("services", service.name)
        if shared_service(doc, service):
            yield Notice(CODE, f"{service.name}: the service is an anchor other services use; add logging there", service.key.start, path)
            continue
        mapping = doc.target(service.node)
        usable = anchor is not None and anchor[0].start < mapping.start
        value, data = (raw(f"*{anchor[1]}"), anchor[2]) if usable else (default, default)
        edit = add_entries(doc, mapping, {"logging": value}, style_of(doc, mapping))
        how = f"the *{anchor[1]} anchor" if usable else f"json-file, max-size {default['options']['max-size']}"
        yield Fix(CODE, f"{service.name}: add log rotation ({how})", (edit,), (Change((*path, "logging"), data),), service.key.start, path)


def _logging_anchor(doc: YamlDocument) -> tuple[Occurrence, str, dict[str, Any]] | None:
    """An anchored, rotating logging mapping in a top-level ``x-`` field (or its ``logging`` key)."""
    root, data = doc.root, doc.plain
    if root is None or not root.is_mapping or not isinstance(data, dict):
        return None
    for key_occ, value_occ in root.pairs:
        name = key_occ.value if key_occ.is_scalar else None
        if not isinstance(name, str) or not name.startswith("x-") or value_occ.alias:
            continue
        candidates = [(value_occ, data.get(name))]
        own = value_occ.own("logging") if value_occ.is_mapping else None
        if own is not None and isinstance(data.get(name), dict):
            candidates.append((own[1], data[name].get("logging")))
        for occ, plain in candidates:
            anchor = doc.anchor_of(occ)
            if anchor and not occ.alias and _rotates(plain):
                return occ, str(anchor), plain
    return None


def _rotates(plain: Any) -> bool:
    if not isinstance(plain, dict) or "driver" not in plain and "options" not in plain:
        return False
    options = plain.get("options") if isinstance(plain.get("options"), dict) else {}
    return plain.get("driver") == "local" or "max-size" in options


RULE = Rule(
    code=CODE,
    name="services-without-log-rotation",
    phase=2,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Add logging with size rotation",
    check=check,
    doc=__doc__ or "",
    environments=("prod",),
)
