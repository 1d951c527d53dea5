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
```
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Tagged, YamlDocument, add_missing, render_scalar
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
    told = False
    for service in compose.services(doc):
        if _has_limits(doc, service.data, context):
            continue
        legacy = any(key in service.data for key in LEGACY_KEYS)
        if legacy and _deploy_limits_of(service.data):
            continue  # both styles already: any addition risks Compose's "distinct values" error
        profile = profile_for(service.name, service.data, context.options)
        path = ("services", service.name)
        if legacy_format or legacy:
            yield from _legacy_limits(doc, service, path, profile)
            continue
        if version.startswith("3") and not told:
            told = True
            yield Notice(CODE, "docker-compose v1 ignores deploy.resources for version 3 files unless run with --compatibility; Compose v2 applies it", _version_offset(doc), ("version",), severity="info")
        yield from _deploy_limits(doc, service, path, profile)


def profile_for(name: str, service: dict[str, Any], options: dict[str, Any]) -> dict[str, str]:
    family = compose.family(name, service)
    profile = dict(PROFILES.get(family, PROFILES["default"]))
    profile.update({k: str(v) for k, v in options.get("families", {}).get(family, {}).items()})
    profile.update({k: str(v) for k, v in options.get("services", {}).get(name, {}).items()})
    profile["family"] = family
    return profile


def _deploy_limits_of(service: dict[str, Any]) -> dict[str, Any] | None:
    deploy = service.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    limits = resources.get("limits") if isinstance(resources, dict) else None
    return limits if isinstance(limits, dict) else None


def _version_offset(doc: YamlDocument) -> int | None:
    found = doc.lookup(doc.root, "version") if doc.root is not None else None
    return found[0].start if found else None


def _has_limits(doc: YamlDocument, service: dict[str, Any], context: Any, depth: int = 0) -> bool:
    limits = _deploy_limits_of(service)
    if limits is not None and "cpus" in limits and "memory" in limits:
        return True
    if "cpus" in service and "mem_limit" in service:
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
    deploy = service.data.get("deploy")
    existing = deploy.get("resources") if isinstance(deploy, dict) else None
    if not (isinstance(existing, dict) and ("reservations" in existing or "limits" in existing)):
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
    if addition.reason:
        yield Notice(CODE, f"{service.name}: limits not added: {addition.reason}", service.key.start, path)
        return
    message = f"{service.name}: add {profile['family']} limits (cpus {profile['cpus']}, memory {profile['memory']})"
    for note in addition.notes:
        yield Notice(CODE, f"{service.name}: {note}", service.key.start, path, severity="info")
    changes = tuple(Change(p, v) for p, v in addition.changes)
    yield Fix(CODE, message, addition.edits, changes, service.key.start, path)


def _gets_own_deploy(doc: YamlDocument, service: compose.Service) -> bool:
    """Whether a service that merges another one owns ``deploy``, or will once this fix adds it."""
    if "deploy" in doc.target(service.node).keys():
        return True
    return not any(key in service.data for key in LEGACY_KEYS) and not doc.target(service.node).shared


def _legacy_limits(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], profile: dict[str, str]) -> Iterator[Fix | Notice]:
    wanted: dict[str, Any] = {
        "cpus": Tagged("tag:yaml.org,2002:float", profile["cpus"]),
        "mem_limit": profile["memory"].lower(),
    }
    if not any(key in service.data for key in LEGACY_KEYS):
        wanted["mem_reservation"] = profile["reservation"].lower()
    wanted = {k: v for k, v in wanted.items() if k not in service.data}
    addition = add_missing(doc, service.node, path, service.data, wanted)
    if addition.reason:
        yield Notice(CODE, f"{service.name}: limits not added: {addition.reason}", service.key.start, path)
        return
    added = ", ".join(f"{k} {render_scalar(v)}" for k, v in wanted.items())
    message = f"{service.name}: add {profile['family']} limits ({added}) as service-level keys, the style the file uses"
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
