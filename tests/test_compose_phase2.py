"""Phase-2 Compose fixes: values from the cases (B13, B14, B15), options, messages,
the rules' metadata, and every golden output judged by `docker-compose config`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dockwright import engine
from dockwright.config import Config
from dockwright.fixes import DOC_HEADINGS, Applicability
from tests.compose_phase2 import BY_CODE, RULES
from tests.conftest import GOLDEN, compose_config, dummy_env_for, shared

UNSAFE = engine.Options(unsafe_fixes=True)


def fix(text: str, *codes: str, env: str = "prod", options: engine.Options = UNSAFE, config: Config | None = None, name: str = "docker-compose.yml") -> tuple[str, list[str]]:
    rules = [BY_CODE[c] for c in codes]
    output, outcome = engine.fix_text(text.encode(), name, rules, env=env, options=options, config=config)
    return output.decode(), [str(m) for m in outcome.messages]


def configured(code: str, table: dict) -> Config:
    return Config(root=Path("."), rules={code: table})


# metadata -------------------------------------------------------------------------

@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_metadata(rule) -> None:
    number = int(rule.code[2:])
    assert 201 <= number <= 209 or 210 <= number <= 219 or 240 <= number <= 249
    assert rule.kind == "compose" and rule.phase == 2
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name)
    for heading in DOC_HEADINGS:
        assert rule.section(heading), f"{rule.code} has no '## {heading}'"
    assert "```yaml" in rule.section("Example")
    assert (GOLDEN / rule.name).is_dir()


def test_codes_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


# DW201 ------------------------------------------------------------------------------

B13 = """services:
  db:
    image: postgres:16-alpine
    env_file: ./db.env
  web:
    image: node:20-alpine
    command: node server.js
    environment:
      PORT: "3000"
    depends_on:
      - db
"""


def test_b13_postgres_variables_reach_the_container_shell() -> None:
    output, _ = fix(B13, "DW201", "DW202")
    assert 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER:-postgres}" -d "$${POSTGRES_DB:-postgres}"' in output
    assert "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/')" in output
    assert "${" not in output.replace("$${", "")  # nothing for Compose to interpolate
    assert "      db:\n        condition: service_healthy" in output
    assert "CMD-SHELL" in output and output.count("CMD-SHELL") == 1  # only the shell-needing check


def test_b13_compose_shows_the_variables_literally(tmp_path: Path) -> None:
    output, _ = fix(B13, "DW201", "DW202")
    path = tmp_path / "docker-compose.yml"
    path.write_text(output)
    (tmp_path / "db.env").write_text("POSTGRES_USER=shop\n")
    result = compose_config(path)
    assert result.returncode == 0, result.stderr
    assert "${POSTGRES_USER:-postgres}" in result.stdout
    assert "is not set" not in result.stderr


B14 = """services:
  web:
    build: ./web
    image: example/web:1.0
  worker:
    image: gcr.io/distroless/nodejs20-debian12
    command: ["dist/worker.js"]
  proxy:
    image: caddy:2-alpine
"""


def test_b14_probes_use_binaries_the_image_has(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile").write_text('FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n')
    monkeypatch.chdir(tmp_path)
    output, messages = fix(B14, "DW201")
    assert """test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:3000/').then(r=>process.exit(r.status<500?0:1)).catch(()=>process.exit(1))"]""" in output
    assert 'test: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:80/"]' in output
    assert "curl" not in output and "localhost" not in output
    assert any("worker: no healthcheck added: no HTTP port and no shell in image gcr.io/distroless/nodejs20-debian12" in m for m in messages)
    assert output.count("healthcheck:") == 2


def test_dockerfile_healthcheck_counts_as_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text("FROM node:20\nHEALTHCHECK CMD node hc.js\n")
    monkeypatch.chdir(tmp_path)
    text = "services:\n  api:\n    build: ./api\n"
    assert fix(text, "DW201")[0] == text


def test_unknown_image_is_reported_not_guessed() -> None:
    text = "services:\n  app:\n    image: example/custom:1.0\n"
    output, messages = fix(text, "DW201")
    assert output == text
    assert any("DW201 app: no healthcheck added: the tool does not know" in m for m in messages)


def test_configured_command_path_and_timing() -> None:
    text = "services:\n  app:\n    image: example/custom:1.0\n  web:\n    image: node:22-slim\n    ports: ['8080:8080']\n"
    config = configured("DW201", {"services": {"app": {"test": ["CMD", "/app/hc"], "interval": "15s"}, "web": {"path": "/api/health"}}})
    output, _ = fix(text, "DW201", config=config)
    assert "test: ['CMD', '/app/hc']" in output and "interval: 15s" in output  # the file quotes with '

    assert "127.0.0.1:8080/api/health" in output


def test_redis_with_password_is_reported() -> None:
    text = "services:\n  cache:\n    image: redis:7\n    command: redis-server --requirepass ${REDIS_PASSWORD}\n"
    output, messages = fix(text, "DW201")
    assert output == text and any("password" in m for m in messages)


# DW202 ------------------------------------------------------------------------------

DEPENDS = """services:
  web:
    image: example/web:1.0
    depends_on:
      - db
  db:
    image: postgres:16
"""


def test_depends_on_waits_for_the_check_dw201_adds() -> None:
    output, _ = fix(DEPENDS, "DW201", "DW202")
    assert "      db:\n        condition: service_healthy\n" in output


MIXED = DEPENDS.replace("      - db\n", "      - db\n      - cache\n") + "  cache:\n    image: redis:7\n    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n"


def test_depends_on_without_dw201_uses_service_started() -> None:
    output, _ = fix(MIXED, "DW202")
    assert "      db:\n        condition: service_started\n      cache:\n        condition: service_healthy\n" in output


def test_depends_on_with_no_healthy_dependency_is_left_alone() -> None:
    output, messages = fix(DEPENDS, "DW202")
    assert output == DEPENDS and not messages


def test_depends_on_respects_a_dw201_suppression() -> None:
    text = MIXED.replace("  db:\n", "  db:  # dockwright: ignore[DW201]\n")
    output, _ = fix(text, "DW201", "DW202")
    assert "db:\n        condition: service_started" in output and "pg_isready" not in output


# DW203 ------------------------------------------------------------------------------

B15 = (Path(__file__).parent.parent / "golden" / "healthcheck-test-malformed" / "b15.before.yml").read_text()


def test_b15_without_unsafe_fixes_reports_at_the_test_value() -> None:
    output, messages = fix(B15, "DW203", options=engine.Options())
    assert output == B15
    assert messages[0].startswith('docker-compose.yml:8:13: DW203 healthcheck.test must start with "CMD", "CMD-SHELL" or "NONE"')
    assert messages[1].startswith('docker-compose.yml:13:13: DW203 "CMD-SHELL" takes exactly one string; extra elements are ignored')


# DW210 ------------------------------------------------------------------------------

def test_version_2x_needs_unsafe_fixes() -> None:
    text = 'version: "2.4"\nservices:\n  web:\n    image: nginx:1.27\n'
    output, messages = fix(text, "DW210", options=engine.Options())
    assert output == text and "unsafe" in messages[0]


# DW211 ------------------------------------------------------------------------------

TAGS = 'services:\n  prometheus:\n    image: "prom/prometheus:latest"\n  db:\n    image: postgres\n  web:\n    build: .\n    image: example/web\n'


def test_latest_is_pinned_only_from_the_version_map() -> None:
    config = configured("DW211", {"versions": {"prom/prometheus": "v2.53.0"}})
    output, messages = fix(TAGS, "DW211", config=config)
    assert 'image: "prom/prometheus:v2.53.0"' in output
    assert "image: postgres\n" in output
    assert any("db: image postgres is not pinned (no tag)" in m for m in messages)
    assert not any("web:" in m for m in messages)


def test_pinning_is_unsafe() -> None:
    config = configured("DW211", {"versions": {"prometheus": "v2.53.0"}})
    output, _ = fix(TAGS, "DW211", config=config, options=engine.Options())
    assert output == TAGS


# DW212 / DW213 ----------------------------------------------------------------------

def test_restart_policy_option() -> None:
    output, _ = fix("services:\n  api:\n    image: x/api:1\n", "DW212", config=configured("DW212", {"policy": "always"}))
    assert "restart: always" in output


def test_logging_anchor_defined_after_services_is_not_used() -> None:
    text = "services:\n  api:\n    image: x/api:1\nx-logging: &log\n  driver: local\n"
    output, _ = fix(text, "DW213")
    assert "*log" not in output and "max-size: 10m" in output


# DW214 ------------------------------------------------------------------------------

SECRETS = """services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter2-value
  grafana:
    image: grafana/grafana:11.1.0
    environment:
      - GF_SECURITY_ADMIN_PASSWORD=admin-value
      - DATABASE_URL=postgresql://app:url-value@db/app
"""


@pytest.mark.parametrize("unsafe", [True, False], ids=["with unsafe fixes", "without"])
def test_messages_never_contain_the_secret(unsafe: bool) -> None:
    output, messages = fix(SECRETS, "DW214", options=engine.Options(unsafe_fixes=unsafe))
    for message in messages:
        assert "-value" not in message
    if unsafe:
        assert "hunter2-value" not in output and "admin-value" not in output
        assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" in output
        assert "- GF_SECURITY_ADMIN_PASSWORD=${GF_SECURITY_ADMIN_PASSWORD:?set GF_SECURITY_ADMIN_PASSWORD}" in output
    assert any("DATABASE_URL embeds a password" in m for m in messages)


def test_credentials_rule_is_unsafe_and_not_for_dev() -> None:
    rule = BY_CODE["DW214"]
    assert rule.applicability is Applicability.UNSAFE and "dev" not in rule.environments


# DW215 ------------------------------------------------------------------------------

def test_npm_install_at_start_is_reported_in_staging_only() -> None:
    original = shared("original", "gpt-agent-platform", "docker-compose.staging.yml").read_text()
    output, messages = fix(original, "DW215", env="staging", name="docker-compose.staging.yml")
    assert output == original
    assert [m.split("DW215 ")[1].split(":")[0] for m in messages if "DW215" in m] == ["fastify"]


# every golden output is valid Compose ----------------------------------------------------

def _golden_outputs() -> list:
    found = []
    for rule in RULES:
        folder = GOLDEN / rule.name
        for path in sorted(folder.glob("*.after.yml")) + sorted(folder.glob("*/after/docker-compose*.yml")):
            found.append(pytest.param(path, id=str(path.relative_to(GOLDEN))))
    return found


@pytest.mark.parametrize("path", _golden_outputs())
def test_golden_output_passes_docker_compose_config(path: Path) -> None:
    result = compose_config(path, env=dummy_env_for(path.read_text()))
    assert result.returncode == 0, result.stderr


# DW204 ------------------------------------------------------------------------------

def test_probe_missing_from_image_is_reported() -> None:
    text = 'services:\n  web:\n    image: node:20-alpine\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://127.0.0.1:3000/"]\n'
    output, messages = fix(text, "DW204")
    assert output == text
    assert messages == ["docker-compose.yml:5:13: DW204 web: the check runs curl, which is not in image node:20-alpine; the check reports unhealthy forever (probe with node -e and fetch; DW201 writes one when the check is removed)"]


def test_probe_installed_by_the_dockerfile_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile").write_text("FROM node:20-alpine\nRUN apk add --no-cache \\\n    curl\n")
    monkeypatch.chdir(tmp_path)
    text = 'services:\n  web:\n    build: ./web\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://127.0.0.1:3000/"]\n'
    assert fix(text, "DW204")[1] == []


def test_healthcheck_through_extends_counts_for_both_rules() -> None:
    text = ('services:\n  base:\n    image: x/app:1\n    healthcheck:\n      test: ["CMD", "/hc"]\n'
            '  web:\n    extends: base\n  front:\n    image: x/front:1\n    depends_on:\n      - web\n')
    output, _ = fix(text, "DW201", "DW202")
    assert output.count("healthcheck:") == 1
    assert "      web:\n        condition: service_healthy" in output


# the docs show what the fix does ----------------------------------------------------

def _doc_blocks(rule) -> dict[str, str]:
    body = re.search(r"```yaml\n(.*?)```", rule.section("Example"), re.S).group(1)
    parts = re.split(r"^# (before|after|reported)[^\n]*\n", body, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_doc_example_is_the_golden_example(rule) -> None:
    blocks = _doc_blocks(rule)
    env = "prod" if "prod" in rule.environments else rule.environments[0]
    case = "example" if env == "prod" else f"{env}-example"
    folder = GOLDEN / rule.name
    tree = folder / case / "before" / "docker-compose.yml"
    before = tree if tree.exists() else folder / f"{case}.before.yml"
    assert before.read_text() == (blocks.get("before") or blocks["reported"])
    if "after" not in blocks:
        assert not before.with_name(before.name.replace(".before.", ".after.")).exists()
        return
    if rule.code == "DW211":  # the pin needs the version map the example names
        output, _ = fix(blocks["before"], "DW211", config=configured("DW211", {"versions": {"prom/prometheus": "v2.53.0"}}))
        assert output == blocks["after"]
        return
    after = folder / case / "after" / "docker-compose.yml" if tree.exists() else folder / f"{case}.after.yml"
    assert after.read_text() == blocks["after"]


def test_service_extending_another_file_is_not_given_a_check() -> None:
    text = "services:\n  web:\n    extends:\n      file: common.yml\n      service: web\n    image: node:20\n  db:\n    image: postgres:16\n  front:\n    image: x/f:1\n    depends_on:\n      - web\n      - db\n"
    output, messages = fix(text, "DW201", "DW202")
    assert "web:\n        condition: service_started" in output and "db:\n        condition: service_healthy" in output
    assert any("extends a service of another file" in m for m in messages)


def test_variable_tag_defaulting_to_latest_is_reported() -> None:
    text = "services:\n  api:\n    image: example/api:${TAG:-latest}\n  web:\n    build: .\n    image: example/web:${TAG:-latest}\n"
    output, messages = fix(text, "DW211")
    assert output == text
    assert [m.split("DW211 ")[1].split(":")[0] for m in messages] == ["api"]
