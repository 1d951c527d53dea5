"""Drop all capabilities and add back only what the image family needs.

## What it does
For services whose image family's needs are known, adds `cap_drop: [ALL]` and, where
the entrypoint needs some, `cap_add` with exactly those:

| image | cap_add |
|---|---|
| postgres, postgis/postgis, timescale/timescaledb | CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID |
| redis | CHOWN, DAC_OVERRIDE, SETGID, SETUID |
| prom/prometheus, prom/alertmanager, prom/node-exporter, prom/pushgateway, grafana | none |

The official postgres and redis entrypoints start as root, fix the ownership of the
data directory and switch to their own user with gosu/su-exec, which needs
CHOWN/DAC_OVERRIDE (and FOWNER for postgres' `chmod 700 "$PGDATA"`) plus
SETUID/SETGID (docker-library/postgres and docker-library/redis
`docker-entrypoint.sh`). The prom/* images run as `nobody` and Grafana as user 472 on
unprivileged ports, so they need none.

## Why
Docker grants a default set of 14 capabilities (CHOWN, NET_RAW, SETUID, ...). A
compromised process can use any of them; dropping all and adding back the few the
entrypoint uses shrinks what an attacker inherits (the audit's FIXES #9).

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
    cap_drop: [ALL]
    cap_add: [CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID]
```

## Fix safety
Unsafe: extensions, init scripts or a custom `command` may need more (for example
`NET_BIND_SERVICE` for a port below 1024 or `NET_RAW` for ping). Services that set
`cap_drop` or `cap_add` already, run `privileged`, or set `user:` (which changes what
the entrypoint does) are left alone, and images not in the table are skipped.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_entries, style_of
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import raw, shared_service
from dockwright.transforms._compose_hardening import capabilities, hardening_family, runs_as_other_user

CODE = "DW241"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        data = service.data
        family = hardening_family(data.get("image"))
        if family is None or "build" in data or "cap_drop" in data or "cap_add" in data:
            continue
        if data.get("privileged") is True or runs_as_other_user(data):
            continue
        path = ("services", service.name)
        if shared_service(doc, service):
            yield Notice(CODE, f"{service.name}: the service is an anchor other services use; drop capabilities there", service.key.start, path)
            continue
        yield _drop(doc, service, path, capabilities(family))


def _drop(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], keep: tuple[str, ...]) -> Fix:
    entries: dict[str, Any] = {"cap_drop": raw("[ALL]")}
    changes = [Change((*path, "cap_drop"), ["ALL"])]
    if keep:
        entries["cap_add"] = raw("[" + ", ".join(keep) + "]")
        changes.append(Change((*path, "cap_add"), list(keep)))
    mapping = doc.target(service.node)
    edit = add_entries(doc, mapping, entries, style_of(doc, mapping))
    kept = f"add back {', '.join(keep)}" if keep else "the image needs none"
    return Fix(CODE, f"{service.name}: drop all capabilities ({kept})", (edit,), tuple(changes), service.key.start, path, applicability=Applicability.UNSAFE)


RULE = Rule(
    code=CODE,
    name="capabilities-not-dropped",
    phase=2,
    kind="compose",
    applicability=Applicability.UNSAFE,
    title="Drop all capabilities, add back what the image needs",
    check=check,
    doc=__doc__ or "",
)
