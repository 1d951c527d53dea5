"""Make the root filesystem read-only, with tmpfs for the paths the image writes.

## What it does
For services whose image family's writable paths are known, adds `read_only: true`
and, where the image writes outside its data volume, `tmpfs` for those paths:

| image | tmpfs |
|---|---|
| postgres, postgis/postgis, timescale/timescaledb | /var/run/postgresql, /tmp |
| redis | none (writes only /data, a VOLUME of the image) |
| prom/prometheus, prom/alertmanager | none (write only /prometheus, /alertmanager, VOLUMEs of the images) |
| prom/node-exporter, prom/pushgateway | none |

Data directories declared as `VOLUME` in the image stay writable under `read_only`,
because Docker mounts a volume there even when the Compose file names none.

## Why
A read-only root filesystem stops an attacker, or a bug, from replacing binaries or
dropping tools into the container, and makes every write path explicit.

## Example
```yaml
# before
services:
  db:
    image: postgres:16
# after
services:
  db:
    image: postgres:16
    read_only: true
    tmpfs: [/var/run/postgresql, /tmp]
```

## Fix safety
Unsafe: init scripts, extensions or a custom config may write elsewhere (for postgres
a `PGDATA` outside /var/lib/postgresql). Services that set `read_only` or `tmpfs`
already, build their own image, set `user:`, or use an image not in the table are
left alone.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_entries, style_of
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import environment, raw, shared_service
from dockwright.transforms._compose_hardening import hardening_family, runs_as_other_user, writable_paths

CODE = "DW242"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        data = service.data
        family = hardening_family(data.get("image"))
        paths = writable_paths(family) if family else None
        if paths is None or "build" in data or "read_only" in data or "tmpfs" in data or runs_as_other_user(data):
            continue
        path = ("services", service.name)
        pgdata = environment(data).get("PGDATA") or ""
        if family == "postgres" and pgdata and not pgdata.startswith("/var/lib/postgresql"):
            yield Notice(CODE, f"{service.name}: PGDATA is outside /var/lib/postgresql; read_only not added", service.key.start, path)
            continue
        if shared_service(doc, service):
            yield Notice(CODE, f"{service.name}: the service is an anchor other services use; add read_only there", service.key.start, path)
            continue
        yield _read_only(doc, service, path, paths)


def _read_only(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], paths: tuple[str, ...]) -> Fix:
    entries: dict[str, Any] = {"read_only": True}
    changes = [Change((*path, "read_only"), True)]
    if paths:
        entries["tmpfs"] = raw("[" + ", ".join(paths) + "]")
        changes.append(Change((*path, "tmpfs"), list(paths)))
    mapping = doc.target(service.node)
    edit = add_entries(doc, mapping, entries, style_of(doc, mapping))
    extra = f" with tmpfs {', '.join(paths)}" if paths else ""
    return Fix(CODE, f"{service.name}: make the root filesystem read-only{extra}", (edit,), tuple(changes), service.key.start, path, applicability=Applicability.UNSAFE)


RULE = Rule(
    code=CODE,
    name="writable-root-filesystem",
    phase=2,
    kind="compose",
    applicability=Applicability.UNSAFE,
    title="Make the root filesystem read-only with tmpfs for known paths",
    check=check,
    doc=__doc__ or "",
)
