"""End to end: the bundled example and the real application the audit was written about."""
from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import compose_config, dummy_env_for, shared
from tests.helpers import copy_example, copy_tree, dockwright, snapshot

COMPOSE_FILES = ["docker-compose.yml", "docker-compose.dev.yml", "docker-compose.staging.yml", "monitoring/docker-compose.yml"]
LOOPBACK = ("127.0.0.1:", "[::1]:")


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _ports(data) -> dict[str, list]:
    return {name: list(service.get("ports") or []) for name, service in (data.get("services") or {}).items()}


def _is_loopback(port) -> bool:
    if isinstance(port, dict):
        return str(port.get("host_ip", "")) in ("127.0.0.1", "::1")
    return str(port).startswith(LOOPBACK)


def _assert_phase1(root: Path, before: dict[str, object], files: list[str], bound: set[str]) -> None:
    for name in files:
        path = root / name
        data = _load(path)
        old = before[name]
        for service, spec in (data.get("services") or {}).items():
            limits = ((spec.get("deploy") or {}).get("resources") or {}).get("limits") or {}
            legacy = "mem_limit" in spec and "cpus" in spec
            assert legacy or ("memory" in limits and "cpus" in limits), f"{name}: {service} has no limits"
        new_ports, old_ports = _ports(data), _ports(old)
        assert set(new_ports) == set(old_ports)
        for service, ports in new_ports.items():
            assert len(ports) == len(old_ports[service])
            if Path(name).name in bound:
                assert all(_is_loopback(p) for p in ports), (name, service, ports)
            else:
                assert ports == old_ports[service], f"{name}: prod ports must not change"
        result = compose_config(path, env=dummy_env_for(path.read_text(encoding="utf-8")))
        assert result.returncode == 0, f"{name}: docker-compose config: {result.stderr}"


def test_example_phase_1_end_to_end(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    before = {name: _load(example / name) for name in COMPOSE_FILES}
    result = dockwright("fix", "--phase", "1", str(example))
    assert result.returncode == 1, result.stderr
    _assert_phase1(example, before, COMPOSE_FILES, {"docker-compose.dev.yml", "docker-compose.staging.yml"})
    staging = _load(example / "docker-compose.staging.yml")["services"]
    assert staging["postgres"]["ports"][0]["host_ip"] == "127.0.0.1"
    assert staging["redis"]["ports"] == ["127.0.0.1:6379:6379", "127.0.0.1:16379:6379"]
    assert staging["worker"]["deploy"]["replicas"] == 2
    settled = snapshot(example)
    again = dockwright("fix", "--phase", "1", str(example))
    assert again.returncode == 0, again.stdout + again.stderr
    assert snapshot(example) == settled


def test_example_dry_run_touches_only_the_expected_lines(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    diff = dockwright("fix", "--dry-run", "--phase", "1", "--select", "DW101", str(example)).stdout
    removed = [l for l in diff.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l for l in diff.splitlines() if l.startswith("+") and not l.startswith("+++")]
    # dev: 6 ports rewritten; staging: 3 ports rewritten + 1 host_ip line added
    assert len(removed) == 9, removed
    assert len(added) == 10, added
    assert all("127.0.0.1" in l for l in added)


def test_real_application_end_to_end(tmp_path: Path) -> None:
    original = shared("original", "gpt-agent-platform")
    work = copy_tree(original, tmp_path)
    files = [str(p.relative_to(work)) for p in sorted(work.rglob("docker-compose*.yml"))]
    assert len(files) == 4, files
    before = {name: _load(work / name) for name in files}
    result = dockwright("fix", "--phase", "1", str(work))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    _assert_phase1(work, before, files, {"docker-compose.dev.yml", "docker-compose.staging.yml"})
    for name in files:  # Cyrillic comments and emoji survive byte for byte
        text = (work / name).read_text(encoding="utf-8")
        for line in (original / name).read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                assert line in text, (name, line)
    settled = snapshot(work)
    assert dockwright("fix", "--phase", "1", str(work)).returncode == 0
    assert snapshot(work) == settled
