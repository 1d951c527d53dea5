"""DW220's reading half: the static targets of a Prometheus config, and which compose
service a container-local target (``localhost:3000``) really meant."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.transforms._monitoring_ports import Endpoint

LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}
HOST_GATEWAY = {"host.docker.internal", "host.containers.internal", "gateway.docker.internal"}


@dataclass(frozen=True)
class Target:
    job: str
    path: tuple[Any, ...]
    occ: Occurrence
    host: str
    port: int


def static_targets(doc: YamlDocument) -> Iterator[Target]:
    """Every ``host:port`` of ``scrape_configs[*].static_configs[*].targets``, and of
    ``alerting.alertmanagers[*].static_configs[*].targets`` (named like an Alertmanager)."""
    scrape = doc.get(doc.root, "scrape_configs")
    for i, job in enumerate(scrape.items if scrape is not None and scrape.is_sequence else []):
        name = doc.get(job, "job_name")
        yield from _statics(doc, job, str(name.value if name is not None else ""), ("scrape_configs", i))
    managers = doc.get(doc.root, "alerting", "alertmanagers")
    for i, manager in enumerate(managers.items if managers is not None and managers.is_sequence else []):
        yield from _statics(doc, manager, "alertmanager", ("alerting", "alertmanagers", i))


def _statics(doc: YamlDocument, owner: Occurrence, job: str, path: tuple[Any, ...]) -> Iterator[Target]:
    statics = doc.get(owner, "static_configs")
    for j, static in enumerate(statics.items if statics is not None and statics.is_sequence else []):
        targets = doc.get(static, "targets")
        for k, item in enumerate(targets.items if targets is not None and targets.is_sequence else []):
            yield from _target(job, (*path, "static_configs", j, "targets", k), doc.target(item))


def _target(job: str, path: tuple[Any, ...], occ: Occurrence) -> Iterator[Target]:
    match = re.fullmatch(r"(\[[^\]]+\]|[^:]+):(\d{1,5})", str(occ.value or "").strip()) if occ.is_scalar else None
    if match is not None:
        yield Target(job, path, occ, match.group(1).lower(), int(match.group(2)))


def _tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", name.lower()) if t}


def names_match(service: str, job: str) -> bool:
    """``node`` and ``node-exporter``, ``next-app`` and ``app``: one's words hold the other's."""
    left, right = _tokens(service), _tokens(job)
    return bool(left and right) and (left <= right or right <= left)


def _distinct(found: list[Endpoint]) -> dict[tuple[str, int, str], list[Endpoint]]:
    groups: dict[tuple[str, int, str], list[Endpoint]] = {}
    for endpoint in found:
        groups.setdefault(endpoint.key, []).append(endpoint)
    return groups


def _pick(found: list[Endpoint]) -> Endpoint | str | None:
    groups = _distinct(found)
    if not groups:
        return None
    if len(groups) > 1:  # a service of the main (prod) file beats dev/staging-only ones
        groups = {k: v for k, v in groups.items() if any(e.env == "prod" for e in v)} or groups
    if len(groups) == 1:
        return next(iter(groups.values()))[0]
    return "it could be " + " or ".join(sorted(f"{s}:{p} (project {project})" for s, p, project in groups)) + "; left alone"


def resolve(target: Target, same: list[Endpoint], other: list[Endpoint]) -> Endpoint | str:
    """The service behind ``target``, or why there is none. A service named like the job
    wins, then a published port; each time the same project before another project."""
    levels = (
        [e for e in same if e.host_port == target.port],
        [e for e in same if e.container_port == target.port],
        [e for e in other if e.host_port == target.port],
    )
    named_here = [e for level in levels[:2] for e in level if names_match(e.service, target.job)]
    named_elsewhere = [e for e in levels[2] if names_match(e.service, target.job)]
    # A container port published under another host port (grafana's 3000 as 3001) is
    # not what `localhost:3000` reached on the host: it counts only with a matching name.
    # A matching name wins over a matching port; within each, the Prometheus service's own
    # project comes before the other projects of the repository.
    for candidates in (named_here, named_elsewhere, levels[0], levels[2]):
        chosen = _pick(candidates)
        if chosen is not None:
            return chosen
    return "no compose service listens on that port; left alone"
