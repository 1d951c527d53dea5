"""Probes per image family: the command a healthcheck runs, from binaries the image ships.

Where that knowledge is missing the planner says so instead of guessing. Sources are
in the docs of DW201 (transforms/compose_healthcheck.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dockwright.documents import compose
from dockwright.transforms._compose import command_text, environment, major, repository, tag_of, version_tuple
from dockwright.transforms._compose_dockerfile import DockerfileFacts

PROM = ("prom/", "quay.io/prometheus/")
GRAFANA = ("grafana/grafana", "grafana/grafana-oss", "grafana/grafana-enterprise")
LISTEN = re.compile(r"--web\.listen-address[= ]\S*:(\d+)")
# OpenTelemetry's Prometheus exporter for Node listens on 9464 and serves /metrics only.
OTEL_METRICS_PORT = 9464


@dataclass(frozen=True)
class Plan:
    """The healthcheck to add, or why there is none."""

    family: str = ""
    healthcheck: dict[str, Any] | None = None
    reason: str | None = None


def image_probe(name: str, service: dict[str, Any], image: str, facts: DockerfileFacts | None, options: dict[str, Any]) -> Plan:
    repo, tag = repository(image), tag_of(image)
    base = repo.rsplit("/", 1)[-1]
    for probe in (_database_probe, _monitoring_probe, _web_probe):
        found = probe(repo, base, tag, service)
        if found is not None:
            return found
    if base == "node" or (facts is not None and repository(facts.base).rsplit("/", 1)[-1] == "node"):
        return _node_probe(name, service, tag, facts, options)
    if "distroless" in repo or base == "scratch":
        return Plan(reason=f"no HTTP port and no shell in image {image}; healthcheck not generated (add one that runs the image's own binary, e.g. [\"CMD\", \"/nodejs/bin/node\", \"healthcheck.js\"])")
    return Plan(reason=f"the tool does not know what image {image or '(built from a Dockerfile)'} contains; add a healthcheck, or set one in [tool.dockwright.DW201.services.{name}] test")


def _cmd(*words: str) -> dict[str, Any]:
    return {"test": ["CMD", *words]}


def _database_probe(repo: str, base: str, tag: str, service: dict[str, Any]) -> Plan | None:
    if base in ("postgres", "postgis", "timescaledb", "timescaledb-ha") or repo == "supabase/postgres":
        shell = 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER:-postgres}" -d "$${POSTGRES_DB:-postgres}"'
        return Plan("postgres", {"test": ["CMD-SHELL", shell]})
    if base == "mysql" or (base == "mariadb" and (version_tuple(tag) or (99,)) < (10, 4)):
        return Plan("mysql", _cmd("mysqladmin", "ping", "-h", "127.0.0.1"))
    if base == "mariadb":
        return Plan("mysql", _cmd("healthcheck.sh", "--connect"))
    if base in ("redis", "valkey"):
        if "requirepass" in command_text(service) or "REDIS_PASSWORD" in environment(service):
            return Plan(reason=f"{base} requires a password here; a plain `{base}-cli ping` cannot authenticate: set a check in config")
        return Plan("redis", _cmd(f"{base}-cli", "ping"))
    if base == "mongo":
        shell = "mongo" if (major(tag) or 99) < 5 else "mongosh"
        return Plan("mongo", _cmd(shell, "--quiet", "--eval", "db.adminCommand('ping')"))
    if base == "rabbitmq":
        return Plan("rabbitmq", _cmd("rabbitmq-diagnostics", "-q", "ping"))
    return None


MONITORING_PORTS = {"prometheus": (9090, "/-/healthy"), "alertmanager": (9093, "/-/healthy"), "pushgateway": (9091, "/-/healthy"), "node-exporter": (9100, "/"), "blackbox-exporter": (9115, "/-/healthy")}


def _monitoring_probe(repo: str, base: str, tag: str, service: dict[str, Any]) -> Plan | None:
    if repo.startswith(PROM) and base in MONITORING_PORTS:
        port, path = MONITORING_PORTS[base]
        listen = LISTEN.search(command_text(service))
        port = int(listen.group(1)) if listen else port
        return Plan("monitoring", _cmd("wget", "-q", "--spider", f"http://127.0.0.1:{port}{path}"))
    if repo in GRAFANA:
        port = environment(service).get("GF_SERVER_HTTP_PORT") or "3000"
        url = f"http://127.0.0.1:{port}/api/health"
        if (major(tag) or 99) >= 10 or "ubuntu" in tag:
            return Plan("grafana", _cmd("curl", "-fsS", "-o", "/dev/null", url))
        return Plan("grafana", _cmd("wget", "-q", "-O", "/dev/null", url))
    if repo.endswith("cadvisor/cadvisor") or repo == "google/cadvisor":
        return Plan("monitoring", _cmd("wget", "--quiet", "--tries=1", "--spider", "http://127.0.0.1:8080/healthz"))
    return None


def _web_probe(repo: str, base: str, tag: str, service: dict[str, Any]) -> Plan | None:
    # Caddy's official images are Alpine-based; nginx only in its -alpine tags (busybox wget).
    alpine = (base == "caddy" and "windows" not in tag) or (base == "nginx" and "alpine" in tag)
    if repo in ("caddy", "nginx") and alpine:
        return Plan("web", _cmd("wget", "-q", "--spider", "http://127.0.0.1:80/"))
    return None


def _node_probe(name: str, service: dict[str, Any], tag: str, facts: DockerfileFacts | None, options: dict[str, Any]) -> Plan:
    port, from_env = _node_port(name, service, facts, options)
    if port is None:
        return Plan(reason="no HTTP port found (EXPOSE, ports, PORT or config); a worker without one gets no generated healthcheck: set one in config")
    known = options.get("path") or ("/metrics" if port == OTEL_METRICS_PORT else None)
    path = str(known or "/")
    origin = f"'http://127.0.0.1:'+(process.env.PORT||{port})+'{path}'" if from_env else f"'http://127.0.0.1:{port}{path}'"
    version = major(facts.base.split(":", 1)[1] if facts and ":" in facts.base else tag)
    # A guessed `/` may well be a 404 on an API: any answer below 500 means the server
    # is up. A configured (or known) path must answer 2xx.
    limit = 400 if known else 500
    if version is not None and version < 18:  # no global fetch before Node 18
        script = f"require('http').get({origin},r=>process.exit(r.statusCode<{limit}?0:1)).on('error',()=>process.exit(1))"
    else:
        verdict = "r.ok" if known else "r.status<500"
        script = f"fetch({origin}).then(r=>process.exit({verdict}?0:1)).catch(()=>process.exit(1))"
    return Plan("node", _cmd("node", "-e", script))


def _node_port(name: str, service: dict[str, Any], facts: DockerfileFacts | None, options: dict[str, Any]) -> tuple[int | None, bool]:
    if isinstance(options.get("port"), int):
        return options["port"], False
    env_port = environment(service).get("PORT")
    if env_port and env_port.isdigit():
        return int(env_port), True
    if facts is not None and facts.exposed:
        return facts.exposed[0], False
    target = _published_target(service.get("ports"))
    if target is not None:
        return target, False
    return (3000, False) if compose.family(name, service) == "app" else (None, False)


def _published_target(ports: Any) -> int | None:
    for item in ports if isinstance(ports, list) else []:
        if isinstance(item, dict) and isinstance(item.get("target"), int):
            return item["target"]
        text = str(item).split("/", 1)[0]
        last = text.rsplit(":", 1)[-1]
        if last.isdigit():
            return int(last)
    return None
