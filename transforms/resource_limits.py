"""Give every Compose service CPU and memory limits and a memory reservation.

## What it does
Adds `deploy.resources.limits` (`cpus`, `memory`) and `deploy.resources.reservations.memory`
to every service that has no limits, in every environment. The values come from a
profile of the service's image family: databases, caches, Node/Next apps (any service
built from a Dockerfile), workers, Prometheus, Grafana, Alertmanager, exporters and
cadvisor, admin UIs such as adminer, message queues, and a default for the rest.
An existing `deploy:` (say `replicas: 2`) gets `resources` inside it; a `limits:`
block that lacks `cpus` or `memory` gets the missing one.

| family | cpus | memory | reservation |
|---|---|---|---|
PROFILE_TABLE

## Why
Without limits one leaking or busy container takes the host's memory and CPU, and the
kernel's OOM killer then picks a victim, often the database. Limits bound the damage
to the service at fault; reservations tell the scheduler what the service needs.

## Example
```yaml
# before
services:
  worker:
    build: ./services/worker
    deploy:
      replicas: 2
# after
services:
  worker:
    build: ./services/worker
    deploy:
      replicas: 2
      resources:
        limits:
          cpus: "1.0"
          memory: 768M
        reservations:
          memory: 256M
```

## Fix safety
Safe: limits only bound what a service may use; the profiles leave room for normal
load. A service that already uses the legacy service-level keys (`mem_limit`, `cpus`,
`pids_limit`, ...) never gets `deploy.resources.limits`, because Compose rejects a
project whose legacy keys and `deploy.resources.limits` disagree; the missing one of
`cpus`/`mem_limit` is added in that same legacy style instead, and existing values are
never changed.
Limits that arrive through a merge key (`<<: *defaults`) or `extends` count as present.
When `deploy` itself arrives through a merge key, the service gets a local `deploy`
that keeps the inherited keys, so no other service changes. Files that declare
`version: "2.x"` get the 2.x keys `cpus`/`mem_limit`/`mem_reservation` instead, since
`deploy` is not part of that format.

## Options
```toml
[tool.dockwright.DW103.families.database]
cpus = "2.0"
memory = "2G"
reservation = "512M"

[tool.dockwright.DW103.services.web]   # one service, by name
memory = "1536M"
reservation = ""                        # an empty value leaves that key out
```
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Tagged, YamlDocument
from dockwright.documents.yaml_edits import add_missing
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._limits import LEGACY_KEYS, deploy_limits, has_limits, profile_for, profile_table, wanted_limits

CODE = "DW103"
V1_NOTICE = "docker-compose v1 ignores deploy.resources for version 3 files unless run with --compatibility; Compose v2 applies it"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    version = str(doc.plain.get("version", "")) if isinstance(doc.plain, dict) else ""
    told = False
    for service in compose.services(doc):
        profile = profile_for(service.name, service.data, context.options)
        wanted = wanted_limits(profile)
        if not wanted or has_limits(doc, service.data, wanted, getattr(context, "project", None)):
            continue
        legacy = any(key in service.data for key in LEGACY_KEYS)
        if legacy and deploy_limits(service.data) is not None:
            continue  # both styles already: any addition risks Compose's "distinct values" error
        path = ("services", service.name)
        if legacy or version.startswith(("1", "2")):
            yield from _legacy_limits(doc, service, path, profile)
            continue
        if version.startswith("3") and not told:
            told = True
            yield Notice(CODE, V1_NOTICE, _version_offset(doc), ("version",), severity="info")
        yield from _deploy_limits(doc, service, path, profile)


def _version_offset(doc: YamlDocument) -> int | None:
    found = doc.lookup(doc.root, "version") if doc.root is not None else None
    return found[0].start if found else None


def _deploy_limits(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], profile: dict[str, str]) -> Iterator[Fix | Notice]:
    resources: dict[str, Any] = {"limits": wanted_limits(profile)}
    deploy = service.data.get("deploy")
    existing = deploy.get("resources") if isinstance(deploy, dict) else None
    if profile.get("reservation") and not (isinstance(existing, dict) and ("reservations" in existing or "limits" in existing)):
        resources["reservations"] = {"memory": profile["reservation"]}
    shadowed = False
    if service.node.shared or doc.target(service.node).shared:
        users = compose.mergers(doc, service)
        if users is None or any(not _gets_own_deploy(doc, other) for other in users):
            yield Notice(CODE, f"{service.name}: other services merge this service's anchor; limits added here would reach them too", service.key.start, path)
            return
        if any("deploy" not in doc.target(other.node).keys() for other in users):
            return  # they get their own deploy in this pass; this service's turn is the next pass
        shadowed = True
    addition = add_missing(doc, service.node, path, service.data, {"deploy": {"resources": resources}}, shadowed=shadowed)
    yield from _fix_from(service, path, addition, f"add {profile['family']} limits ({_describe(resources['limits'])})")


def _gets_own_deploy(doc: YamlDocument, service: compose.Service) -> bool:
    """Whether a service that merges another one owns ``deploy``, or will once this fix adds it."""
    if "deploy" in doc.target(service.node).keys():
        return True
    return not any(key in service.data for key in LEGACY_KEYS) and not doc.target(service.node).shared


def _legacy_limits(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], profile: dict[str, str]) -> Iterator[Fix | Notice]:
    wanted: dict[str, Any] = {}
    if profile.get("cpus"):
        wanted["cpus"] = Tagged("tag:yaml.org,2002:float", profile["cpus"])
    if profile.get("memory"):
        wanted["mem_limit"] = profile["memory"].lower()
    if profile.get("reservation") and not any(key in service.data for key in LEGACY_KEYS):
        wanted["mem_reservation"] = profile["reservation"].lower()
    wanted = {k: v for k, v in wanted.items() if k not in service.data}
    addition = add_missing(doc, service.node, path, service.data, wanted)
    yield from _fix_from(service, path, addition, f"add {profile['family']} limits ({_describe(wanted)}) as service-level keys, the style the file uses")


def _fix_from(service: compose.Service, path: tuple[Any, ...], addition: Any, message: str) -> Iterator[Fix | Notice]:
    if addition.reason:
        yield Notice(CODE, f"{service.name}: limits not added: {addition.reason}", service.key.start, path)
        return
    if not addition.edits:
        return
    for note in addition.notes:
        yield Notice(CODE, f"{service.name}: {note}", service.key.start, path, severity="info")
    yield Fix(CODE, f"{service.name}: {message}", addition.edits, tuple(Change(p, v) for p, v in addition.changes), service.key.start, path)


def _describe(values: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value.value if isinstance(value, Tagged) else value}" for key, value in values.items())


RULE = Rule(
    code=CODE,
    name="services-without-resource-limits",
    phase=1,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Add CPU and memory limits from image-family profiles",
    check=check,
    doc=(__doc__ or "").replace("PROFILE_TABLE", profile_table()),
)
