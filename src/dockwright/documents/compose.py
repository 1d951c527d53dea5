"""Compose-specific reading on top of the YAML layer: services, images, families."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from dockwright.documents.yaml import Occurrence, YamlDocument

DATABASES = ("postgres", "postgis", "timescaledb", "mysql", "mariadb", "mongo", "mongodb", "cockroach", "clickhouse", "elasticsearch", "opensearch", "couchdb", "cassandra", "neo4j", "supabase/postgres")
CACHES = ("redis", "valkey", "keydb", "memcached", "dragonfly")
ADMIN_UIS = ("adminer", "pgadmin", "pgadmin4", "phpmyadmin", "redis-commander", "mongo-express", "redisinsight", "portainer")
QUEUES = ("rabbitmq", "nats", "kafka", "zookeeper")


@dataclass(frozen=True)
class Service:
    name: str
    key: Occurrence
    node: Occurrence  # the service mapping (the anchored one when the service is an alias)
    data: dict[str, Any]


def services(doc: YamlDocument) -> Iterator[Service]:
    """The services of a Compose document, merged keys included (computed once per document)."""
    cached = doc._cache.get("services")
    if cached is None:
        cached = doc._cache["services"] = list(_services(doc))
    return iter(cached)


def _services(doc: YamlDocument) -> Iterator[Service]:
    root = doc.root
    data = doc.plain
    if root is None or not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        return
    found = doc.lookup(root, "services")
    if found is None:
        return
    mapping = found[1]
    if not mapping.is_mapping:
        return
    for name, key_occ, value_occ, _owned in doc.entries(mapping):
        service_data = data["services"].get(name)
        if isinstance(service_data, dict) and doc.target(value_occ).is_mapping:
            yield Service(str(name), key_occ, value_occ, service_data)


def build_paths(compose_path: str, build: Any) -> tuple[Path, Path] | None:
    """(context folder, Dockerfile) of a service's ``build:``, or None when they cannot be
    known from the file (a git URL, a variable, an inline Dockerfile)."""
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict) or not isinstance(build.get("context", "."), str):
        return None
    context, name = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    if "://" in context or context.startswith("git@") or "$" in context or not isinstance(name, str):
        return None
    root = Path(compose_path).parent / context
    return root, root / name


def extended_service(doc: YamlDocument, service: dict[str, Any], project: Any = None) -> dict[str, Any] | None:
    """The service that ``extends:`` names: in this file, or (given the run's project)
    in the file ``extends.file`` names. None when there is none or it cannot be read."""
    extends = service.get("extends")
    if isinstance(extends, str):
        name, other = extends, None
    elif isinstance(extends, dict):
        name, other = extends.get("service"), extends.get("file")
    else:
        return None
    data = doc.plain
    if other is not None:
        loaded = project.document(Path(doc.path).parent / str(other)) if project is not None else None
        data = getattr(loaded, "plain", None)
    found = ((data or {}).get("services") or {}).get(name) if isinstance(data, dict) else None
    return found if isinstance(found, dict) else None


def mergers(doc: YamlDocument, service: Service) -> list[Service] | None:
    """The other services that merge this service's mapping (``<<: *web``).

    None when the mapping is shared some other way (an alias used as a whole
    service, or an anchor used outside ``services``), which the caller cannot reason about.
    """
    node = doc.target(service.node).node
    found: list[Service] = []
    for other in services(doc):
        if other.name == service.name:
            continue
        mapping = doc.target(other.node)
        if mapping.node is node:
            return None
        if any(source.node is node for source in mapping.merge_sources()):
            found.append(other)
    return found


def image_name(image: Any) -> str:
    """``registry.example.com:5000/library/postgres:15-alpine@sha..`` -> ``postgres``."""
    if not isinstance(image, str):
        return ""
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def image_tag(image: Any) -> str | None:
    if not isinstance(image, str):
        return None
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def family(name: str, service: dict[str, Any]) -> str:
    """The image family a service belongs to, for profiles (limits, healthchecks)."""
    image = service.get("image")
    base = image_name(image)
    full = image.lower() if isinstance(image, str) else ""
    if any(base == d or base.startswith(d + "-") or full.endswith("/" + d) for d in DATABASES):
        return "database"
    if base in CACHES or any(base.startswith(c + "-") for c in CACHES if c != "redis"):
        return "cache"
    if base.startswith("redis") and base not in ADMIN_UIS:
        return "cache"
    if base in ADMIN_UIS:
        return "admin"
    if base == "prometheus":
        return "prometheus"
    if base == "alertmanager":
        return "alertmanager"
    if base == "grafana":
        return "grafana"
    if base == "cadvisor" or base.endswith("exporter") or base == "pushgateway":
        return "exporter"
    if base in QUEUES:
        return "queue"
    builds = "build" in service
    nodeish = base in ("node", "bun", "deno") or re.search(r"\b(next|node)\b", base or "") is not None
    named = f"{name} {base}"
    if builds or nodeish or APP_NAMES.search(named) or WORKER_NAMES.search(named):
        return "worker" if WORKER_NAMES.search(named) else "app"
    return "default"


APP_NAMES = re.compile(r"\b(web|app|api|frontend|backend|next|nextjs|ui)\b", re.I)
WORKER_NAMES = re.compile(r"worker|queue|jobs?\b|consumer|scheduler|cron", re.I)
