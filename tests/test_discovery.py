"""Which files are looked at, what each is, and which environment a Compose file belongs to."""
from __future__ import annotations

from pathlib import Path

import pytest

from dockwright import discover
from dockwright.config import environment_from_name, load_config
from tests.helpers import dockwright


@pytest.mark.parametrize("name,env", [
    ("docker-compose.yml", "prod"), ("compose.yaml", "prod"), ("docker-compose.prod.yml", "prod"), ("docker-compose.test.yml", "prod"),
    ("docker-compose.dev.yml", "dev"), ("compose.development.yaml", "dev"), ("docker-compose.local.yml", "dev"), ("docker-compose.override.yml", "dev"),
    ("compose-dev.yml", "dev"), ("docker-compose.staging.yml", "staging"), ("docker-compose.stage.yml", "staging"), ("app.staging.compose.yaml", "staging"),
    ("docker-compose.devops.yml", "prod"),
], ids=lambda v: v)
def test_environment_from_name(name: str, env: str) -> None:
    assert environment_from_name(name) == env


@pytest.mark.parametrize("name,is_compose", [
    ("docker-compose.yml", True), ("compose.yaml", True), ("compose.dev.yml", True), ("docker-compose.staging.yaml", True),
    ("app.compose.yml", True), ("values.yaml", False), ("prometheus.yml", False), ("my-compose.txt", False),
], ids=lambda v: str(v))
def test_compose_names(name: str, is_compose: bool) -> None:
    assert discover.is_compose_name(name) is is_compose


def test_compose_by_content_and_other_kinds() -> None:
    assert discover.yaml_kind("stack.yml", {"services": {"web": {}}}) == "compose"
    assert discover.yaml_kind("stack.yml", {"services": ["a"]}) is None
    assert discover.yaml_kind("am.yml", {"route": {}, "receivers": []}) == "alertmanager"
    assert discover.yaml_kind("p.yml", {"scrape_configs": []}) == "prometheus"


def test_walk_skips_git_node_modules_and_gitignored(tmp_path: Path) -> None:
    for relative in ["a/docker-compose.yml", ".git/docker-compose.yml", "node_modules/x/docker-compose.yml", "build/docker-compose.yml", "keep/compose.yaml", "ignored.yml"]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("services: {}\n")
    (tmp_path / ".gitignore").write_text("build/\nignored.yml\n")
    (tmp_path / "keep" / ".gitignore").write_text("*.txt\n")
    found = sorted(str(c.path.relative_to(tmp_path)) for c in discover.candidates([tmp_path]))
    assert found == ["a/docker-compose.yml", "keep/compose.yaml"]
    explicit = list(discover.candidates([tmp_path / "ignored.yml"]))
    assert explicit and explicit[0].explicit


def test_environment_globs_from_pyproject_and_dockwright_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.dockwright.environments]\ndev = ["deploy/sandbox.yml"]\nstaging = ["qa/*.yml"]\n')
    config = load_config(tmp_path)
    assert config.environment_of(tmp_path / "deploy" / "sandbox.yml") == "dev"
    assert config.environment_of(tmp_path / "qa" / "stack.yml") == "staging"
    assert config.environment_of(tmp_path / "docker-compose.dev.yml") == "dev"
    (tmp_path / "dockwright.toml").write_text('[environments]\nprod = ["docker-compose.dev.yml"]\n')
    assert load_config(tmp_path).environment_of(tmp_path / "docker-compose.dev.yml") == "prod"


def test_environment_override_changes_what_dw101_does(tmp_path: Path) -> None:
    stack = tmp_path / "stack.yml"
    stack.write_text('services:\n  web:\n    image: x/web:1\n    ports:\n      - "80:80"\n')
    assert dockwright("check", "--select", "DW101", str(tmp_path)).returncode == 0
    (tmp_path / "dockwright.toml").write_text('[environments]\nstaging = ["stack.yml"]\n')
    assert dockwright("check", "--select", "DW101", str(tmp_path)).returncode == 1


def test_config_select_ignore_and_profiles(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n  db:\n    image: postgres:16\n")
    (tmp_path / "dockwright.toml").write_text('select = ["DW103"]\n\n[DW103.families.database]\ncpus = "2.0"\nmemory = "4G"\nreservation = ""\n')
    result = dockwright("fix", "--dry-run", str(tmp_path))
    assert '+          cpus: "2.0"\n+          memory: 4G\n' in result.stdout
    assert "reservations" not in result.stdout
    (tmp_path / "dockwright.toml").write_text('ignore = ["DW103"]\n')
    assert "resources" not in dockwright("fix", "--dry-run", "--phase", "1", str(tmp_path)).stdout


def test_broken_config_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "dockwright.toml").write_text("select = [\n")
    result = dockwright("check", str(tmp_path))
    assert result.returncode == 2 and "configuration" in result.stderr and "Traceback" not in result.stderr
