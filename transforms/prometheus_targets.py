"""Point container-local Prometheus targets (`localhost`, `host.docker.internal`) at compose services.

## What it does
For a Prometheus config that a compose service mounts (and that does not run with
`network_mode: host`), rewrites each static target (of `scrape_configs` and of `alerting.alertmanagers`) on
`localhost`, `127.0.0.1` or `host.docker.internal` to `<service>:<container port>`:

- a port published by a service of the same compose project becomes that service and
  its container port (cadvisor published as `8081:8080` is `cadvisor:8080`);
- a container port of a service of the same project is that service, when the service
  is named like the job (grafana's 3000, published as 3001, is not what `localhost:3000` meant);
- a port published by a compose project elsewhere in the repository (the app stack's
  `web` on `3000`) becomes that service, and the Prometheus service joins that
  project's network, declared `external: true` under its real name (`name:`, or
  `<project>_default`);
- a service that runs with `network_mode: host` is reachable only through the host:
  the target becomes `host.docker.internal:<port>` and the Prometheus service gets
  `extra_hosts: ["host.docker.internal:host-gateway"]` (Docker >= 20.10).

A service whose name matches the job name wins; among equals, a service of the main
(prod) compose file wins over dev/staging-only ones. Prometheus's own port on
`localhost` stays. Targets that match nothing, or several services, are reported.

## Why
Inside the Prometheus container `localhost` is the container itself: every such target
but Prometheus's own is down. `host.docker.internal` needs the port published on the
host, breaks as soon as DW101 binds published ports to 127.0.0.1, and does not exist in
Kubernetes. Service names work on the compose network and map one-to-one to Services.

## Example
```yaml
# prometheus.yml, before
scrape_configs:
  - job_name: cadvisor
    static_configs:
      - targets: ['localhost:8080']
# after
scrape_configs:
  - job_name: cadvisor
    static_configs:
      - targets: ['cadvisor:8080']
```

## Fix safety
Safe: only targets that cannot work from inside the container change, and only when
exactly one service answers on the port. Joining another project's network requires
that project to be running first (an external network must exist); that is reported.

## Options
None.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._monitoring import Runner, runners, suppressed, value_text
from dockwright.transforms._monitoring_networks import wire_scraper
from dockwright.transforms._monitoring_ports import Endpoint, endpoints, network_of, same_project
from dockwright.transforms._monitoring_targets import HOST_GATEWAY, LOOPBACK, Target, resolve, static_targets

CODE = "DW220"
GATEWAY = "host-gateway"  # marks a target reached through the host, not a network


def check(project: Any, context: Any) -> Iterator[Fix | Notice]:
    for doc in project.documents("prometheus"):
        running = runners(project, doc.path, "prometheus")
        if running:
            yield from _retarget(project, doc, running[0])


def listen_port(service: dict[str, Any]) -> int:
    command = service.get("command")
    text = " ".join(map(str, command)) if isinstance(command, list) else str(command or "")
    match = re.search(r"--web\.listen-address[= ]\S*:(\d+)", text)
    return int(match.group(1)) if match else 9090


def _retarget(project: Any, doc: YamlDocument, runner: Runner) -> Iterator[Fix | Notice]:
    service = runner.service
    mode = str(service.data.get("network_mode") or "")
    if mode == "host" or mode.startswith(("service:", "container:")):
        return  # localhost is then the host (or another container): the targets may be right
    docs = project.documents("compose")
    same = [e for e in endpoints(project, [d for d in docs if same_project(d, runner.doc)]) if e.service != service.name]
    other = list(endpoints(project, [d for d in docs if not same_project(d, runner.doc)]))
    moves: list[tuple[Target, str, str | None]] = []  # target, new address, network to join
    for target in static_targets(doc):
        if target.host not in LOOPBACK | HOST_GATEWAY or (target.host in LOOPBACK and target.port == listen_port(service.data)):
            continue
        if suppressed(doc, target.occ.start, CODE):
            continue
        if target.occ.shared:
            yield Notice(CODE, f"job {target.job}: {target.occ.value} comes from an anchor that another job shares; change it there by hand", target.occ.start, target.path, file=doc.path)
            continue
        chosen = resolve(target, same, other)
        if isinstance(chosen, str) or (_unreachable(chosen) and not _on_host(chosen)):
            reason = chosen if isinstance(chosen, str) else f"{chosen.service} uses network_mode: {chosen.data.get('network_mode')}"
            yield Notice(CODE, f"job {target.job}: {target.occ.value} cannot be reached from the {service.name} container; {reason}", target.occ.start, target.path, file=doc.path)
        elif _on_host(chosen):  # only the host gateway reaches a host-network service
            moves.append((target, f"host.docker.internal:{target.port}", GATEWAY))
        else:
            definition = None if chosen in same else _definition(project, docs, chosen)
            if definition is not None and definition.env != "prod":
                where = Path(definition.doc.path).name
                yield Notice(CODE, f"job {target.job}: {chosen.service} is not in the project's main (prod) compose file, only in files such as {where}; its network exists only while that stack runs", target.occ.start, target.path, file=doc.path, severity="info")
            moves.append((target, f"{chosen.service}:{chosen.container_port}", definition and network_of(definition)))
    yield from _fixes(doc, runner, moves)


def _on_host(endpoint: Endpoint) -> bool:
    return str(endpoint.data.get("network_mode") or "") == "host"


def _unreachable(endpoint: Endpoint) -> bool:
    mode = str(endpoint.data.get("network_mode") or "")
    return mode == "host" or mode.startswith(("service:", "container:", "none"))


def _definition(project: Any, docs: list[YamlDocument], endpoint: Endpoint) -> Endpoint:
    """The service as the project's main (prod) file defines it: its networks count."""
    if endpoint.env == "prod":
        return endpoint
    for doc in docs:
        if doc is endpoint.doc or not same_project(doc, endpoint.doc) or project.environment_of(doc.path) != "prod":
            continue
        for service in compose.services(doc):
            if service.name == endpoint.service:
                return Endpoint(endpoint.service, endpoint.host_port, endpoint.container_port, doc, endpoint.project, "prod", service.data)
    return endpoint


def _fixes(doc: YamlDocument, runner: Runner, moves: list[tuple[Target, str, str | None]]) -> Iterator[Fix | Notice]:
    networks = sorted({n for _, _, n in moves if n and n != GATEWAY})
    wiring = wire_scraper(runner.doc, runner.service, networks, any(n == GATEWAY for _, _, n in moves))
    if wiring is not None and wiring.reason:
        yield Notice(CODE, f"{runner.service.name}: {wiring.reason}; the targets that need it are left alone", runner.service.key.start, file=runner.doc.path)
        moves = [m for m in moves if m[2] is None]
        wiring = None
    moves = [m for m in moves if m[0].occ.value != m[1]]
    if not moves:
        return
    edits = tuple(Edit(t.occ.start, t.occ.end, value_text(doc, t.occ, new)) for t, new, _ in moves)
    changes = tuple(Change(t.path, new) for t, new, _ in moves)
    group = f"{CODE}:{doc.path}" if wiring is not None else None
    addresses = ", ".join(new for _, new, _ in moves)
    yield Fix(CODE, f"scrape {addresses} instead of a container-local address", edits, changes, edits[0].start, file=doc.path, group=group)
    if wiring is not None:
        joined = f"join external network {', '.join(networks)} (that project must be up first)" if networks else ""
        gateway = "map host.docker.internal to the host gateway" if any(n == GATEWAY for _, _, n in moves) else ""
        message = f"{runner.service.name}: " + "; ".join(p for p in (joined, gateway) if p)
        yield Fix(CODE, message, wiring.edits, wiring.changes, runner.service.key.start, file=runner.doc.path, group=group)


RULE = Rule(
    code=CODE,
    name="prometheus-container-local-targets",
    phase=2,
    kind="project",
    applicability=Applicability.SAFE,
    title="Scrape compose services by name, not localhost or host.docker.internal",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("prometheus", "compose")},
)
