"""Inputs and situations that once stopped a whole run or misled a user (a fresh user's report)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import dockwright

PORTS = 'services:\n  web:\n    image: x/web:1\n    ports:\n      - "80:80"\n'


def test_deep_nesting_is_one_error_and_the_other_files_are_still_fixed(tmp_path: Path) -> None:
    deep = "services:\n  web:\n    image: x\n    labels:\n" + "".join(f"{'  ' * (i + 3)}k{i}:\n" for i in range(1200)) + f"{'  ' * 1203}end: 1\n"
    (tmp_path / "docker-compose.deep.yml").write_text(deep)
    (tmp_path / "docker-compose.dev.yml").write_text(PORTS)
    result = dockwright("fix", "--select", "DW101", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "docker-compose.deep.yml:1:1: nested too deeply" in result.stderr
    assert "127.0.0.1:80:80" in (tmp_path / "docker-compose.dev.yml").read_text()


@pytest.mark.skipif(os.geteuid() == 0 and not os.path.exists("/usr/bin/setpriv"), reason="root ignores directory permissions without setpriv")
def test_a_file_that_cannot_be_written_is_reported_and_the_others_are_written(tmp_path: Path) -> None:
    locked, free = tmp_path / "a", tmp_path / "z"
    for folder in (locked, free):
        folder.mkdir()
        (folder / "docker-compose.dev.yml").write_text(PORTS)
    locked.chmod(0o555)
    try:
        import subprocess
        import sys

        command = [sys.executable, "-m", "dockwright", "fix", "--select", "DW101", str(tmp_path)]
        if os.geteuid() == 0:
            command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "cannot write" in result.stderr
    assert "127.0.0.1" in (free / "docker-compose.dev.yml").read_text()
    assert (locked / "docker-compose.dev.yml").read_text() == PORTS


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "docker-compose.dev.yml").write_text(PORTS)
    project = tmp_path / "project"
    project.mkdir()
    (project / "docker-compose.dev.yml").symlink_to(real / "docker-compose.dev.yml")
    assert dockwright("fix", "--select", "DW101", str(project)).returncode == 1
    assert (project / "docker-compose.dev.yml").is_symlink()
    assert "127.0.0.1:80:80" in (real / "docker-compose.dev.yml").read_text()


def test_a_hard_linked_file_stays_linked(tmp_path: Path) -> None:
    first = tmp_path / "docker-compose.dev.yml"
    first.write_text(PORTS)
    other = tmp_path / "elsewhere.txt"
    os.link(first, other)
    assert dockwright("fix", "--select", "DW101", str(first)).returncode == 1
    assert other.read_text() == first.read_text() and "127.0.0.1" in other.read_text()


def test_messages_point_at_lines_of_the_file_on_disk_even_from_later_passes(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: x/web:1\n  api:\n    image: x/api:1\n    depends_on: [db]\n  db:\n    image: postgres:16\n")
    result = dockwright("check", "--select", "DW103,DW201,DW202", str(tmp_path))
    assert "docker-compose.yml:6:5: DW202 api" in result.stderr, result.stderr


def test_two_dockerfiles_in_one_context_create_one_dockerignore(tmp_path: Path) -> None:
    for name in ("Dockerfile", "Dockerfile.alpine"):
        (tmp_path / name).write_text("FROM node:20\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"index.js\"]\n")
    (tmp_path / "package.json").write_text('{"name": "x"}\n')
    assert dockwright("fix", "--select", "DW259", str(tmp_path)).returncode == 1
    lines = [line for line in (tmp_path / ".dockerignore").read_text().splitlines() if line.strip()]
    assert lines and len(lines) == len(set(lines)), lines


def test_a_tab_after_a_comment_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.dev.yml").write_text('services:\n  web:\n    image: x/web:1 # comment\t\n    ports:\n      - "80:80"\n')
    result = dockwright("check", "--select", "DW101", str(tmp_path))
    assert result.returncode == 1, result.stderr


def test_config_mistakes_are_clear(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: x/web:1\n")
    (tmp_path / "dockwright.toml").write_text('ignore = "DW103"\n')
    assert "resources" not in dockwright("fix", "--dry-run", "--phase", "1", str(tmp_path)).stdout
    (tmp_path / "dockwright.toml").write_text('selct = ["DW101"]\n')
    result = dockwright("check", str(tmp_path))
    assert result.returncode == 2 and "unknown setting 'selct'" in result.stderr and "dockwright.toml" in result.stderr


def test_an_explicit_file_of_no_known_kind_is_said_to_be_skipped(tmp_path: Path) -> None:
    (tmp_path / "random.yml").write_text("a: 1\n")
    result = dockwright("check", str(tmp_path / "random.yml"))
    assert result.returncode == 0 and "random.yml:1:1: not a Compose" in result.stderr


def test_prometheus_targets_in_a_shared_anchor_are_reported_not_refused(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yml").write_text("scrape_configs:\n  - job_name: api\n    static_configs: &sc\n      - targets: ['localhost:8080']\n  - job_name: api2\n    static_configs: *sc\n")
    (tmp_path / "docker-compose.yml").write_text('services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n    volumes:\n      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro\n  api:\n    image: example/api:1\n    expose: ["8080"]\n')
    result = dockwright("check", "--select", "DW220", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "comes from an anchor that another job shares" in result.stderr and "refused" not in result.stderr


def test_a_suppression_naming_no_fix_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.dev.yml").write_text('services:\n  web:\n    image: x/web:1\n    ports:\n      - "80:80"  # dockwright: ignore[DW999]\n')
    result = dockwright("check", "--select", "DW101", str(tmp_path))
    assert "docker-compose.dev.yml:5:18: # dockwright: ignore names no fix: DW999" in result.stderr
    assert result.returncode == 1


def test_prometheus_prefers_its_own_project_when_another_has_the_same_service(tmp_path: Path) -> None:
    for project in ("monitoring", "other"):
        folder = tmp_path / project
        folder.mkdir()
        (folder / "docker-compose.yml").write_text('services:\n  cadvisor:\n    image: gcr.io/cadvisor/cadvisor:v0.49.1\n    ports:\n      - "8081:8080"\n')
    monitoring = tmp_path / "monitoring"
    (monitoring / "docker-compose.yml").write_text((monitoring / "docker-compose.yml").read_text() + '  prometheus:\n    image: prom/prometheus:v2.53.0\n    volumes:\n      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro\n')
    (monitoring / "prometheus.yml").write_text("scrape_configs:\n  - job_name: cadvisor\n    static_configs:\n      - targets: ['localhost:8081']\n")
    result = dockwright("fix", "--select", "DW220", str(tmp_path))
    assert result.returncode == 1, result.stderr
    assert "cadvisor:8080" in (monitoring / "prometheus.yml").read_text() and "could be" not in result.stderr


def test_a_huge_file_is_one_error_not_a_hang(tmp_path: Path) -> None:
    from dockwright.documents.source import MAX_BYTES

    (tmp_path / "docker-compose.yml").write_bytes(b"services:\n  web:\n    image: x\n" + b"# padding\n" * (MAX_BYTES // 10 + 1))
    result = dockwright("check", str(tmp_path))
    assert result.returncode == 2 and "docker-compose.yml:1:1: file is larger than 5 MB; skipped" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_a_rewrite_keeps_the_owner(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.dev.yml"
    compose.write_text(PORTS)
    os.chown(compose, 1234, 2345)
    assert dockwright("fix", "--select", "DW101", str(tmp_path)).returncode == 1
    info = compose.stat()
    assert (info.st_uid, info.st_gid) == (1234, 2345) and "127.0.0.1" in compose.read_text()
