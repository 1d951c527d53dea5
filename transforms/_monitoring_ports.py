"""Which compose service answers on a port: published (host) ports, container ports,
and the network a scraper must join to reach a service of another project."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.transforms._monitoring import project_name
from dockwright.transforms._ports import Variable, split_outside


@dataclass(frozen=True)
class Endpoint:
    service: str
    host_port: int | None  # None: not published
    container_port: int
    doc: YamlDocument
    project: str
    env: str
    data: Any  # the service's plain data

    @property
    def key(self) -> tuple[str, int, str]:
        return self.service, self.container_port, self.project


def _number(text: Any) -> int | None:
    text = str(text).strip()
    variable = Variable.parse(text)
    if variable is not None:
        text = variable.default or ""
    return int(text) if re.fullmatch(r"\d{1,5}", text) else None


def port_pairs(spec: Any) -> Iterator[tuple[int | None, int]]:
    """(host port or None, container port) of one ``ports:`` item; ranges are expanded."""
    if isinstance(spec, dict):
        target = _number(spec.get("target", ""))
        published = _number(spec.get("published", "")) if spec.get("published") is not None else None
        if target is not None:
            yield published, target
        return
    parts = split_outside(str(spec).split("/", 1)[0])
    host, container = (None, parts[-1]) if len(parts) == 1 else (parts[-2] or None, parts[-1])
    containers = _range(container)
    hosts = _range(host) if host is not None else [None] * len(containers)
    if containers and len(hosts) == len(containers):
        yield from zip(hosts, containers)


def _range(text: str) -> list[int]:
    low, _, high = text.partition("-")
    first, last = _number(low), _number(high or low)
    if first is None or last is None or last < first or last - first > 100:
        return []
    return list(range(first, last + 1))


def endpoints(project: Any, docs: list[YamlDocument], *, skip: tuple[YamlDocument, str] | None = None) -> Iterator[Endpoint]:
    """Every port of every service of ``docs`` but ``skip`` (the scraper itself)."""
    for doc in docs:
        name = project_name(doc)
        env = project.environment_of(doc.path)
        for service in compose.services(doc):
            if skip is not None and doc is skip[0] and service.name == skip[1]:
                continue
            yield from _service_endpoints(service, doc, name, env)


# Ports the common exporters listen on when a service declares none.
IMAGE_PORTS = {
    "cadvisor": 8080, "node-exporter": 9100, "prometheus": 9090, "alertmanager": 9093, "grafana": 3000,
    "pushgateway": 9091, "blackbox-exporter": 9115, "redis_exporter": 9121, "postgres-exporter": 9187,
    "mysqld-exporter": 9104, "nginx-prometheus-exporter": 9113,
}


def _service_endpoints(service: compose.Service, doc: YamlDocument, name: str, env: str) -> Iterator[Endpoint]:
    ports = service.data.get("ports") if isinstance(service.data.get("ports"), list) else []
    default = IMAGE_PORTS.get(compose.image_name(service.data.get("image")))
    if default is not None and not ports and not service.data.get("expose"):
        yield Endpoint(service.name, None, default, doc, name, env, service.data)
    for item in ports:
        for host, container in port_pairs(item):
            yield Endpoint(service.name, host, container, doc, name, env, service.data)
    exposed = service.data.get("expose") if isinstance(service.data.get("expose"), list) else []
    for item in exposed:
        for _host, container in port_pairs(str(item)):
            yield Endpoint(service.name, None, container, doc, name, env, service.data)


def same_project(doc: YamlDocument, other: YamlDocument) -> bool:
    return Path(doc.path).resolve().parent == Path(other.path).resolve().parent and project_name(doc) == project_name(other)


def network_of(endpoint: Endpoint) -> str:
    """The real name of the network through which another project reaches the service."""
    data = endpoint.doc.plain if isinstance(endpoint.doc.plain, dict) else {}
    declared = data.get("networks") if isinstance(data.get("networks"), dict) else {}
    joined = endpoint.data.get("networks")
    keys = list(joined) if isinstance(joined, (list, dict)) else []
    key = "default" if not keys or "default" in keys else str(keys[0])
    network = declared.get(key) if isinstance(declared.get(key), dict) else {}
    if isinstance(network.get("name"), str):
        return network["name"]
    if network.get("external") is True:
        return key
    return f"{endpoint.project}_{key}"
