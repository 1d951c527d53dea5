"""Add a healthcheck that really runs in the image to every service without one.

## What it does
Adds `healthcheck` (`test`, `interval`, `timeout`, `retries`, `start_period`) to each
service that has none, in every environment. The command is chosen by image family,
always from a binary the image ships, probing `127.0.0.1` (busybox resolves
`localhost` to `::1` first on some images, and many servers bind IPv4 only):

| family | test | where it comes from |
|---|---|---|
| postgres, postgis, timescaledb, supabase/postgres | `CMD-SHELL pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER:-postgres}" -d "$${POSTGRES_DB:-postgres}"` | `pg_isready` ships with the server; `$$` keeps Compose from interpolating the container's variables (docker/docs#21225); TCP to 127.0.0.1 stays unready while the entrypoint's socket-only init server runs |
| mysql, mariadb < 10.4 | `mysqladmin ping -h 127.0.0.1` | MySQL manual: the exit status is 0 when the server runs, even on "Access denied", so no password is needed |
| mariadb >= 10.4 | `healthcheck.sh --connect` | MariaDB's "Using Healthcheck.sh" docs; `--connect` needs no SQL user, so old volumes without `.my-healthcheck.cnf` work |
| redis, valkey | `redis-cli ping` / `valkey-cli ping` | shipped with the server; skipped (reported) when `requirepass` is set |
| mongo | `mongosh --quiet --eval "db.adminCommand('ping')"` (`mongo` before 5.0) | the legacy shell left the image in 6.0 (MongoDB 6.0 compatibility notes; docker-library/healthcheck#27) |
| rabbitmq | `rabbitmq-diagnostics -q ping` | rabbitmq-diagnostics(8) |
| prom/prometheus, alertmanager, pushgateway, blackbox-exporter | busybox `wget -q --spider http://127.0.0.1:PORT/-/healthy` | the prom/* images are built on quay.io/prometheus/busybox; `/-/healthy` is their health endpoint |
| prom/node-exporter | busybox `wget` on `:9100/` | same busybox base |
| grafana >= 10 (and -ubuntu) | `curl -fsS -o /dev/null http://127.0.0.1:3000/api/health` | grafana/grafana#65547 added curl to the Alpine image (Ubuntu had it); older Alpine tags use busybox `wget -O /dev/null` (grafana/grafana#60805) |
| cadvisor | `wget --quiet --tries=1 --spider http://127.0.0.1:8080/healthz` | the probe cAdvisor's own Dockerfile uses |
| caddy, nginx:*-alpine | busybox `wget -q --spider http://127.0.0.1:80/` | Alpine-based images |
| Node apps (`node:*`, or built from a `FROM node` Dockerfile) | `node -e "fetch(...)"` (`http.get` before Node 18) | needs no curl/wget (none in `-slim`, no curl in `-alpine`) |

The Node probe uses the port from the service's `PORT`, the Dockerfile's `EXPOSE`, or
the published ports (3000 for an app that declares none), at the path from config,
which must answer 2xx. Without one it asks `/` and takes any answer below 500 as
healthy, since `/` of an API is often a 404 while the server is fine (on 9464, the
OpenTelemetry Prometheus exporter's port, it asks `/metrics`).

A service counts as checked when it has `healthcheck` (also through `<<:` merge keys
or `extends` in the same file), when its Dockerfile declares `HEALTHCHECK`, or when it
disables the check (`disable: true`, `HEALTHCHECK NONE`). A service that extends one
of another file is reported, not given a check that would override the inherited one.

## Why
A container without a check is "running" while it still starts or has hung, so
`depends_on` cannot wait for it and nothing restarts it. A check that calls a binary
the image lacks (`curl` on Alpine) reports unhealthy forever, which is worse.

## Example
```yaml
# before
services:
  db:
    image: postgres:16-alpine
# after
services:
  db:
    image: postgres:16-alpine
    healthcheck:
      test: ["CMD-SHELL", 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER:-postgres}" -d "$${POSTGRES_DB:-postgres}"']
      interval: 10s
      timeout: 5s
      retries: 5
      start_period: 20s
```

## Fix safety
Safe: a check changes no behaviour until something acts on it. Images the tool does
not know (custom images, distroless, scratch, a worker without a port, redis with a
password, an image from a variable) are reported, never guessed. Services whose
command runs `npm install` first get a 300s `start_period`.

## Options
```toml
[tool.dockwright.DW201.services.web]
path = "/api/health"     # Node probe path
port = 3000              # Node probe port
interval = "15s"         # any of interval/timeout/retries/start_period
[tool.dockwright.DW201.services.legacy]
test = ["CMD", "/app/healthcheck"]   # a command for an image the tool does not know
```
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_entries, style_of
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import flow_strings, raw, shared_service
from dockwright.transforms._compose_health import existing, extends_other_file, plan

CODE = "DW201"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        if existing(doc, service.data, context) is not None:
            continue
        path = ("services", service.name)
        if extends_other_file(service.data):
            yield Notice(CODE, f"{service.name}: no healthcheck added: it extends a service of another file, which may define one", service.key.start, path)
            continue
        found = plan(doc, service.name, service.data, context)
        if found.healthcheck is None:
            yield Notice(CODE, f"{service.name}: no healthcheck added: {found.reason}", service.key.start, path)
            continue
        if shared_service(doc, service):
            yield Notice(CODE, f"{service.name}: the service is an anchor other services use; add its healthcheck there", service.key.start, path)
            continue
        yield _add(doc, service, found.family, found.healthcheck)


def _add(doc: YamlDocument, service: compose.Service, family: str, healthcheck: dict[str, Any]) -> Fix:
    test = healthcheck["test"]
    rendered = {**healthcheck, "test": raw(flow_strings(test, doc.quote_char())) if isinstance(test, list) else test}
    mapping = doc.target(service.node)
    edit = add_entries(doc, mapping, {"healthcheck": rendered}, style_of(doc, mapping))
    path = ("services", service.name, "healthcheck")
    first = test[1] if isinstance(test, list) and len(test) > 1 else str(test)
    message = f"{service.name}: add a {family} healthcheck ({first.split()[0]})"
    return Fix(CODE, message, (edit,), (Change(path, healthcheck),), service.key.start, path[:2])


RULE = Rule(
    code=CODE,
    name="services-without-healthcheck",
    phase=2,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Add a healthcheck that runs in the image",
    check=check,
    doc=__doc__ or "",
)
