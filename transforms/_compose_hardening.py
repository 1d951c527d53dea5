"""What each image family needs from the kernel: capabilities, writable paths.

Only families whose entrypoints were read are listed; everything else is skipped,
never guessed. Sources (docker-library and prometheus Dockerfiles/entrypoints):

- postgres: docker-entrypoint.sh `docker_create_db_directories` runs as root:
  `mkdir -p "$PGDATA"; chmod 700 "$PGDATA"` (FOWNER once the directory belongs to
  postgres), `find "$PGDATA" \\! -user postgres -exec chown postgres` (CHOWN, and
  DAC_OVERRIDE to walk directories only postgres may read), `mkdir -p
  /var/run/postgresql; chmod 775`, then `exec gosu postgres` (SETUID, SETGID).
  Writes: the data directory (a VOLUME in the image), the socket directory
  /var/run/postgresql, and /tmp.
- redis: docker-entrypoint.sh runs `find . \\! -user redis -exec chown redis '{}' +`
  in /data (CHOWN, DAC_OVERRIDE) and `exec gosu redis` / `su-exec redis` (SETUID,
  SETGID); no chmod, so no FOWNER. Writes only /data (a VOLUME in the image).
- prom/prometheus, prom/alertmanager, prom/node-exporter, prom/pushgateway: the images
  run as `USER nobody` and bind ports above 1024, so they need no capability. They
  write only their storage path (`/prometheus`, `/alertmanager`, both VOLUMEs in the
  images; node-exporter and pushgateway without persistence write nothing).
- grafana/grafana: runs as user 472 and binds 3000: no capability. Its writable paths
  (plugins, sqlite, logs) depend on configuration, so `read_only` is not offered.
"""
from __future__ import annotations

from typing import Any

from dockwright.transforms._compose import repository

POSTGRES_CAPS = ("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID")
REDIS_CAPS = ("CHOWN", "DAC_OVERRIDE", "SETGID", "SETUID")
PROM_NOBODY = ("prometheus", "alertmanager", "node-exporter", "pushgateway")


def hardening_family(image: Any) -> str | None:
    repo = repository(image)
    base = repo.rsplit("/", 1)[-1]
    if repo in ("postgres", "postgis/postgis", "timescale/timescaledb"):
        return "postgres"
    if repo == "redis":
        return "redis"
    if (repo.startswith("prom/") or repo.startswith("quay.io/prometheus/")) and base in PROM_NOBODY:
        return base
    if repo in ("grafana/grafana", "grafana/grafana-oss", "grafana/grafana-enterprise"):
        return "grafana"
    return None


def capabilities(family: str) -> tuple[str, ...]:
    return {"postgres": POSTGRES_CAPS, "redis": REDIS_CAPS}.get(family, ())


def writable_paths(family: str) -> tuple[str, ...] | None:
    """tmpfs mounts a read-only root needs; None when the family's paths are not known."""
    known = {"postgres": ("/var/run/postgresql", "/tmp"), "redis": (), "prometheus": (), "alertmanager": (), "node-exporter": (), "pushgateway": ()}
    return known.get(family)


def runs_as_other_user(service: dict[str, Any]) -> bool:
    """A `user:` override changes which entrypoint branch runs; the tables assume the image's own user."""
    return service.get("user") not in (None, "")
