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
load. Services that set legacy `mem_limit`/`cpus`/`pids_limit` are left alone, because
Compose rejects a project whose legacy keys and `deploy.resources.limits` disagree.
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
```
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Tagged, YamlDocument, add_missing
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule

CODE = "DW103"
LEGACY_KEYS = ("mem_limit", "memswap_limit", "mem_reservation", "cpus", "pids_limit", "cpu_quota", "cpu_count", "cpu_percent")
PROFILES: dict[str, dict[str, str]] = {
    "database": {"cpus": "1.0", "memory": "1G", "reservation": "256M"},
    "cache": {"cpus": "0.5", "memory": "512M", "reservation": "128M"},
    "app": {"cpus": "1.0", "memory": "1G", "reservation": "256M"},
    "worker": {"cpus": "1.0", "memory": "768M", "reservation": "256M"},
    "prometheus": {"cpus": "1.0", "memory": "2G", "reservation": "512M"},
    "grafana": {"cpus": "0.5", "memory": "512M", "reservation": "128M"},
    "alertmanager": {"cpus": "0.25", "memory": "256M", "reservation": "64M"},
    "exporter": {"cpus": "0.25", "memory": "256M", "reservation": "64M"},
    "admin": {"cpus": "0.25", "memory": "256M", "reservation": "64M"},
    "queue": {"cpus": "1.0", "memory": "1G", "reservation": "256M"},
    "default": {"cpus": "0.5", "memory": "512M", "reservation": "128M"},
}


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    version = str(doc.plain.get("version", "")) if isinstance(doc.plain, dict) else ""
    legacy_format = version.startswith("2") or version.startswith("1")
    for service in compose.services(doc):
        if _has_limits(doc, service.data, context):
            continue
        if any(key in service.data for key in LEGACY_KEYS) and not legacy_format:
            continue
        profile = profile_for(service.name, service.data, context.options)
        path = ("services", service.name)
        if legacy_format:
            yield from _legacy_limits(doc, service, path, profile)
        else:
            yield from _deploy_limits(doc, service, path, profile)


def profile_for(name: str, service: dict[str, Any], options: dict[str, Any]) -> dict[str, str]:
    family = compose.family(name, service)
    profile = dict(PROFILES.get(family, PROFILES["default"]))
    profile.update({k: str(v) for k, v in options.get("families", {}).get(family, {}).items()})
    profile.update({k: str(v) for k, v in options.get("services", {}).get(name, {}).items()})
    profile["family"] = family
    return profile


def _has_limits(doc: YamlDocument, service: dict[str, Any], context: Any, depth: int = 0) -> bool:
    resources = (service.get("deploy") or {}).get("resources") if isinstance(service.get("deploy"), dict) else None
    limits = resources.get("limits") if isinstance(resources, dict) else None
    if isinstance(limits, dict) and "cpus" in limits and "memory" in limits:
        return True
    extends = service.get("extends")
    if depth > 5 or extends is None:
        return False
    base = _extended(doc, extends, context)
    return isinstance(base, dict) and (_has_limits(doc, base, context, depth + 1) or any(k in base for k in LEGACY_KEYS))


def _extended(doc: YamlDocument, extends: Any, context: Any) -> Any:
    if isinstance(extends, str):
        return ((doc.plain or {}).get("services") or {}).get(extends)
    if not isinstance(extends, dict):
        return None
    name = extends.get("service")
    if "file" not in extends:
        return ((doc.plain or {}).get("services") or {}).get(name)
    other = context.project.document(Path(doc.path).parent / str(extends["file"])) if context else None
    data = getattr(other, "plain", None)
    return ((data or {}).get("services") or {}).get(name) if isinstance(data, dict) else None


def _deploy_limits(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], profile: dict[str, str]) -> Iterator[Fix | Notice]:
    limits = {"cpus": profile["cpus"], "memory": profile["memory"]}
    resources: dict[str, Any] = {"limits": limits}
    existing = ((service.data.get("deploy") or {}) if isinstance(service.data.get("deploy"), dict) else {}).get("resources")
    if not (isinstance(existing, dict) and "reservations" in existing):
        resources["reservations"] = {"memory": profile["reservation"]}
    if service.node.shared or doc.target(service.node).shared:
        yield Notice(CODE, f"{service.name}: the service is defined by an anchor that other services use; add limits there", service.key.start, path)
        return
    addition = add_missing(doc, service.node, path, service.data, {"deploy": {"resources": resources}})
    if addition.reason:
        yield Notice(CODE, f"{service.name}: limits not added: {addition.reason}", service.key.start, path)
        return
    message = f"{service.name}: add {profile['family']} limits (cpus {profile['cpus']}, memory {profile['memory']})"
    for note in addition.notes:
        yield Notice(CODE, f"{service.name}: {note}", service.key.start, path, severity="info")
    changes = tuple(Change(p, v) for p, v in addition.changes)
    yield Fix(CODE, message, addition.edits, changes, service.key.start, path)


def _legacy_limits(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], profile: dict[str, str]) -> Iterator[Fix | Notice]:
    if any(key in service.data for key in ("mem_limit", "cpus")):
        return
    wanted = {
        "cpus": Tagged("tag:yaml.org,2002:float", profile["cpus"]),
        "mem_limit": profile["memory"].lower(),
        "mem_reservation": profile["reservation"].lower(),
    }
    wanted = {k: v for k, v in wanted.items() if k not in service.data}
    addition = add_missing(doc, service.node, path, service.data, wanted)
    if addition.reason:
        yield Notice(CODE, f"{service.name}: limits not added: {addition.reason}", service.key.start, path)
        return
    message = f"{service.name}: add {profile['family']} limits (cpus {profile['cpus']}, mem_limit {wanted['mem_limit']}) in the 2.x format"
    yield Fix(CODE, message, addition.edits, tuple(Change(p, v) for p, v in addition.changes), service.key.start, path)


def _profile_table() -> str:
    return "\n".join(f"| {family} | {p['cpus']} | {p['memory']} | {p['reservation']} |" for family, p in PROFILES.items())


RULE = Rule(
    code=CODE,
    name="services-without-resource-limits",
    phase=1,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Add CPU and memory limits from image-family profiles",
    check=check,
    doc=(__doc__ or "").replace("PROFILE_TABLE", _profile_table()),
)
