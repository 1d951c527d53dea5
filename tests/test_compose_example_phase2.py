"""End to end with phases 1 and 2: every service of the example's four Compose files has
a healthcheck or a reported reason, depends_on waits for health, Compose accepts the
files, and a second run is a no-op. The real application is dry-run in place."""
from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import compose_config, dummy_env_for, shared
from tests.helpers import copy_example, dockwright

COMPOSE_FILES = ["docker-compose.yml", "docker-compose.dev.yml", "docker-compose.staging.yml", "monitoring/docker-compose.yml"]


def _model(path: Path) -> dict:
    result = compose_config(path, env=dummy_env_for(path.read_text(encoding="utf-8")), extra=("--format", "json"))
    assert result.returncode == 0, f"{path.name}: docker-compose config: {result.stderr}"
    return json.loads(result.stdout)


def _reported(stderr: str, name: str, service: str) -> bool:
    pattern = re.compile(rf"^{re.escape(name)}:\d+:\d+: DW201 {re.escape(service)}: no healthcheck added: ", re.M)
    return pattern.search(stderr) is not None


def test_example_phase_1_2_end_to_end(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    first = dockwright("fix", "--phase", "1,2", ".", cwd=example)
    assert first.returncode == 1, first.stderr
    assert "error" not in first.stderr.lower() and "Traceback" not in first.stderr, first.stderr
    for name in COMPOSE_FILES:
        services = _model(example / name)["services"]
        for service, spec in services.items():
            check = spec.get("healthcheck")
            assert (check and not check.get("disable")) or _reported(first.stderr, name, service), f"{name}: {service}: no healthcheck and no reason"
            for dependency, condition in (spec.get("depends_on") or {}).items():
                if (services.get(dependency) or {}).get("healthcheck"):
                    assert condition["condition"] == "service_healthy", f"{name}: {service} -> {dependency}"
    second = dockwright("fix", "--phase", "1,2", ".", cwd=example)
    assert second.returncode == 0, second.stdout + second.stderr


def test_example_healthchecks_match_the_images(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    dockwright("fix", "--phase", "1,2", "--select", "DW201,DW202", ".", cwd=example)
    prod = _model(example / "docker-compose.yml")["services"]
    assert prod["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    # `config` re-escapes `$$` in its output: the container's shell gets `${POSTGRES_USER:-postgres}`
    assert '"$${POSTGRES_USER:-postgres}"' in prod["postgres"]["healthcheck"]["test"][1]
    assert prod["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert prod["worker"]["healthcheck"]["test"][:3] == ["CMD", "node", "-e"]  # node:18-alpine has no curl
    monitoring = _model(example / "monitoring/docker-compose.yml")["services"]
    assert monitoring["prometheus"]["healthcheck"]["test"][-1] == "http://127.0.0.1:9090/-/healthy"
    assert monitoring["grafana"]["healthcheck"]["test"][-1] == "http://127.0.0.1:3000/api/health"


def test_real_application_dry_run_in_place() -> None:
    original = shared("original", "gpt-agent-platform")
    before = {p: p.read_bytes() for p in original.rglob("*") if p.is_file()}
    result = dockwright("fix", "--dry-run", "--phase", "2", "--select", "DW2", str(original))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "DW215 fastify: runs `npm install` at start" in result.stderr
    assert {p: p.read_bytes() for p in original.rglob("*") if p.is_file()} == before
