"""The monitoring fixes end to end: the bundled example, the real project the audit was
written about (read in place, copied only into a temporary folder), and the corpus."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from dockwright import engine
from dockwright.config import Config
from dockwright.transforms import all_rules
from tests.conftest import SHARED, compose_config, oracle, shared
from tests.helpers import copy_tree
from tests.helpers import copy_example, dockwright
from tests.test_monitoring_oracles import amtool_check, compose_env, promtool_check, rendered_configs

MONITORING_CODES = ("DW104", "DW220", "DW221", "DW222", "DW230", "DW231")


def _targets(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [t for job in data["scrape_configs"] for static in job.get("static_configs", []) for t in static["targets"]]


def test_example_phase_1_and_2(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    result = dockwright("fix", "--phase", "1,2", str(example))
    assert result.returncode == 1, result.stderr
    monitoring = example / "monitoring"
    alertmanager = (monitoring / "alertmanager.yml").read_text(encoding="utf-8")
    assert "${" not in alertmanager
    ok, output = amtool_check(alertmanager, tmp_path)
    assert ok, output
    ok, output = promtool_check(monitoring / "prometheus.yml")
    assert ok, output
    targets = _targets(monitoring / "prometheus.yml")
    assert [t for t in targets if t.startswith(("localhost", "127.0.0.1"))] == ["localhost:9090"]
    assert not [t for t in targets if "host.docker.internal" in t]
    assert {"web:3000", "worker:9464", "node-exporter:9100", "cadvisor:8080"} <= set(targets)
    assert yaml.safe_load((monitoring / "prometheus.yml").read_text())["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["alertmanager:9093"]
    compose = yaml.safe_load((monitoring / "docker-compose.yml").read_text(encoding="utf-8"))
    assert set(compose["secrets"]) == {"smtp_password", "slack_webhook_url", "telegram_bot_token"}
    assert "environment" not in compose["services"]["alertmanager"]
    assert compose["networks"]["agent-platform_default"] == {"external": True, "name": "agent-platform_default"}
    checked = compose_config(monitoring / "docker-compose.yml", env=compose_env(monitoring / "docker-compose.yml"))
    assert checked.returncode == 0, checked.stderr
    assert dockwright("fix", "--phase", "1,2", str(example)).returncode == 0  # idempotent


def test_example_diff_never_shows_dotenv_values(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    values = [line.split("=", 1)[1] for p in example.glob(".env*") for line in p.read_text().splitlines() if "=" in line and len(line.split("=", 1)[1]) > 3]
    result = dockwright("fix", "--dry-run", "--phase", "1,2", "--unsafe-fixes", str(example))
    for value in values:
        assert value not in result.stdout + result.stderr


@pytest.fixture
def original(tmp_path: Path) -> Path:
    return copy_tree(shared("original", "gpt-agent-platform"), tmp_path)


def test_original_end_to_end(original: Path, tmp_path: Path) -> None:
    result = dockwright("fix", "--phase", "1,2", "--unsafe-fixes", "--select", ",".join(MONITORING_CODES), str(original))
    assert result.returncode == 1, result.stderr
    assert "DW231 receivers[0].webhook_configs[0].url sends to http://localhost:5001/webhook" in result.stderr
    for name in ("SMTP_HOST", "SMTP_FROM", "SMTP_USER", "ALERT_EMAIL_TO"):
        assert f"${{{name}}}, which Alertmanager never expands" in result.stderr
    monitoring = original / "monitoring"
    checked = compose_config(monitoring / "docker-compose.yml", env=compose_env(monitoring / "docker-compose.yml"))
    assert checked.returncode == 0, checked.stderr
    content = rendered_configs(monitoring / "docker-compose.yml")["alertmanager_config"]
    assert "${" not in content and "match:" not in content and "source_match:" not in content
    assert "smtp_auth_password_file: /run/secrets/smtp_pass" in content
    ok, output = amtool_check(content, tmp_path)
    assert ok, output
    ok, output = promtool_check(monitoring / "prometheus" / "prometheus.yml")
    assert ok, output
    targets = _targets(monitoring / "prometheus" / "prometheus.yml")
    assert {"worker:3001", "app:3000", "fastify:4000"} <= set(targets)
    assert not [t for t in targets if "host.docker.internal" in t]
    networks = yaml.safe_load((monitoring / "docker-compose.yml").read_text(encoding="utf-8"))["networks"]
    assert networks["gpt-agent-network"] == {"external": True, "name": "gpt-agent-network"}
    again = dockwright("fix", "--phase", "1,2", "--unsafe-fixes", "--select", ",".join(MONITORING_CODES), str(original))
    assert again.returncode == 0, again.stdout


# the corpus ------------------------------------------------------------------------------

def _corpus_files() -> list:
    root = SHARED / "corpus"
    files = sorted((root / "alertmanager").glob("*")) + sorted((root / "prometheus").glob("*"))
    return [pytest.param(p, id=p.name) for p in files if p.is_file()] or [pytest.param(None, id="corpus missing")]


def _valid(path: Path, kind: str, tmp_path: Path) -> bool:
    if kind == "alertmanager":
        return amtool_check(path.read_text(encoding="utf-8"), tmp_path)[0]
    result = subprocess.run([oracle("promtool"), "check", "config", "--syntax-only", str(path)], capture_output=True, text=True, timeout=60)
    return result.returncode == 0


@pytest.mark.parametrize("source", _corpus_files())
def test_corpus_file(source: Path, tmp_path: Path) -> None:
    """No crash; valid in, valid out (by amtool or promtool); a second run changes nothing."""
    if source is None:
        shared("corpus", "alertmanager")  # fails under CI, skips elsewhere
    work = tmp_path / "w"
    work.mkdir()
    target = work / (source.name if source.suffix in (".yml", ".yaml") else source.name + ".yml")
    shutil.copyfile(source, target)
    rules = [r for r in all_rules() if r.code in MONITORING_CODES]
    options = engine.Options(unsafe_fixes=True, write=True)
    first = engine.run([target], rules, Config(root=work), options)
    kind = engine.discover.yaml_kind(target.name, _load(source))
    assert not any("internal error" in m.text for m in first.messages)
    if kind in ("alertmanager", "prometheus") and _valid(source, kind, tmp_path):
        assert _valid(target, kind, tmp_path), f"{source.name}: valid before, invalid after"
    second = engine.run([target], rules, Config(root=work), options)
    assert not second.changed, "not idempotent"


def _load(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:  # the corpus holds files broken on purpose
        return None
