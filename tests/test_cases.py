"""The public bug reports in ../shared/cases that concern Compose ports and limits,
each turned into its expected value (see each case's expected.md)."""
from __future__ import annotations

from pathlib import Path

from dockwright import engine
from dockwright.config import Config
from dockwright.transforms import all_rules
from tests.conftest import shared

RULES = {r.code: r for r in all_rules()}
MEMORY_ONLY = {"DW103": {"families": {f: {"cpus": "", "memory": "256M", "reservation": ""} for f in ("app", "worker", "database", "cache", "default", "admin")}}}


def run(case: str, name: str, codes: list[str], *, env: str = "prod", options: dict | None = None) -> tuple[str, engine.Outcome]:
    data = shared("cases", case, name).read_bytes()
    config = Config(root=Path("."), rules=options or {})
    output, outcome = engine.fix_text(data, name, [RULES[c] for c in codes], env=env, config=config)
    return output.decode("utf-8"), outcome


def messages(outcome: engine.Outcome) -> list[str]:
    return [str(m) for m in outcome.messages]


def test_b01_comment_of_the_next_service_stays_with_it() -> None:
    options = {"DW103": {"services": {"web": {"cpus": "0.50", "memory": "512M", "reservation": ""}, "db": {"cpus": "", "memory": "", "reservation": ""}}}}
    output, _ = run("B01", "docker-compose.yml", ["DW103"], options=options)
    assert output == (
        'services:\n  web:\n    image: nginx:1.25\n    ports:\n      - "8080:80"\n'
        '    deploy:\n      resources:\n        limits:\n          cpus: "0.50"\n          memory: 512M\n'
        '\n  # --- database ---\n  db:\n    image: postgres:16\n'
    )


def test_b02_quotes_survive_and_nothing_else_moves() -> None:
    output, _ = run("B02", "docker-compose.yml", ["DW103"], options=MEMORY_ONLY)
    assert output == (
        'services:\n  sftp:\n    image: atmoz/sftp:alpine\n    restart: "no"\n    ports:\n'
        "      - '2222:22'\n    environment:\n      LOG_VERBOSE: 'yes'\n      SFTP_UMASK: \"0022\"\n"
        "    deploy:\n      resources:\n        limits:\n          memory: 256M\n"
    )


def test_b04_both_sequence_styles_survive() -> None:
    output, _ = run("B04", "docker-compose.yml", ["DW103"], options=MEMORY_ONLY)
    block = "    deploy:\n      resources:\n        limits:\n          memory: 256M\n"
    assert output == (
        'services:\n  web:\n    image: nginx:1.25\n    ports:\n    - "8080:80"\n    volumes:\n'
        "      - ./html:/usr/share/nginx/html:ro\n" + block +
        '  cache:\n    image: redis:7-alpine\n    command:\n    - redis-server\n    - --appendonly\n    - "yes"\n' + block
    )


def test_b05_inherited_deploy_gets_a_local_copy_and_the_anchor_is_untouched() -> None:
    options = {"DW103": {"services": {"api": {"cpus": "", "memory": "256M", "reservation": ""}, "worker": {"cpus": "", "memory": "", "reservation": ""}}}}
    output, outcome = run("B05", "docker-compose.yml", ["DW103"], options=options)
    assert output == (
        "x-app-defaults: &app-defaults\n  restart: unless-stopped\n  deploy:\n    replicas: 2\n\n"
        "services:\n  api:\n    <<: *app-defaults\n    image: example/api:1.4.0\n"
        "    deploy:\n      replicas: 2\n      resources:\n        limits:\n          memory: 256M\n"
        "  worker:\n    <<: *app-defaults\n    image: example/worker:1.4.0\n"
    )
    assert any("inherited through a merge key" in m for m in messages(outcome))


def test_b06_every_duplicate_key_is_reported_and_nothing_written() -> None:
    data = shared("cases", "B06", "docker-compose.yml").read_bytes()
    output, outcome = engine.fix_text(data, "docker-compose.yml", list(RULES.values()))
    assert output == data
    lines = messages(outcome)
    assert 'docker-compose.yml:10:5: duplicate key "<<" (first defined at 9:5); Compose >= 2.17 rejects this, use `<<: [*a, *b]`' in lines
    assert 'docker-compose.yml:14:5: duplicate key "environment" (first defined at 12:5)' in lines
    assert outcome.exit_code == 2


def test_b07_crlf_and_bom_are_kept() -> None:
    options = {"DW103": {"services": {"web": {"cpus": "", "memory": "256M", "reservation": ""}}}}
    data = shared("cases", "B07", "docker-compose.crlf-bom.yml").read_bytes()
    output, _ = engine.fix_text(data, "docker-compose.crlf-bom.yml", [RULES["DW103"]], config=Config(root=Path("."), rules=options))
    assert output == data + b"    deploy:\r\n      resources:\r\n        limits:\r\n          memory: 256M\r\n"


def test_b07_trailing_tab_is_a_positioned_error() -> None:
    data = shared("cases", "B07", "docker-compose.trailing-tab.yml").read_bytes()
    output, outcome = engine.fix_text(data, "docker-compose.trailing-tab.yml", [RULES["DW103"]])
    assert output == data
    assert messages(outcome) == ["docker-compose.trailing-tab.yml:3:22: tab character after value is not valid YAML for all parsers; remove it"]


def test_b09_every_port_form_is_bound_in_dev() -> None:
    output, _ = run("B09", "compose.dev.yaml", ["DW101"], env="dev")
    assert '      - "127.0.0.1:3000:3000"\n      - "127.0.0.1::9229"\n      - "127.0.0.1:5353:53/udp"\n      - "127.0.0.1:9100-9102:9100-9102"\n' in output
    assert "        protocol: tcp\n        host_ip: 127.0.0.1\n    expose:\n      - \"4000\"\n" in output
    assert '      - "127.0.0.1:5432:5432"' in output
    prod, _ = run("B09", "compose.dev.yaml", ["DW101"], env="prod")
    assert prod == shared("cases", "B09", "compose.dev.yaml").read_text()


def test_b10_ports_are_read_from_the_source_text() -> None:
    dev, _ = run("B10", "docker-compose.yml", ["DW101", "DW105"], env="dev")
    assert '      - "127.0.0.1:2222:22"\n      - "127.0.0.1:3000:3000"\n' in dev and '      - "127.0.0.1:2121:21"' in dev
    prod, outcome = run("B10", "docker-compose.yml", ["DW101", "DW105"], env="prod")
    assert '      - "2222:22"\n      - 3000:3000\n' in prod and '      - "2121:21"' in prod
    assert any('unquoted port 2222:22 is read as 133342 by YAML 1.1 parsers; quoted' in m for m in [f.message for r in outcome.files for f in r.fixes])


def test_b12_interpolated_ports() -> None:
    output, outcome = run("B12", "compose.dev.yaml", ["DW101"], env="dev")
    assert output.endswith(
        '      - "127.0.0.1:${WEB_PORT:-3000}:3000"\n      - "127.0.0.1:$DEBUG_PORT:9229"\n'
        '      - "${BIND_ADDR:-127.0.0.1}:8080:80"\n      - ${EXTRA_PORT_SPEC}\n'
    )
    assert any("ports[3]: whole port spec comes from ${EXTRA_PORT_SPEC}; cannot enforce loopback binding" in m for m in messages(outcome))


def test_b17_each_format_gets_its_own_keys() -> None:
    options = {"DW103": {"services": {"api": {"cpus": "0.5", "memory": "512M", "reservation": ""}}}}
    v2, _ = run("B17", "docker-compose.v2.yml", ["DW103"], options=options)
    assert v2 == 'version: "2.4"\nservices:\n  api:\n    image: example/api:2.3\n    cpus: 0.5\n    mem_limit: 512m\n'
    v3, outcome = run("B17", "docker-compose.v3.yml", ["DW103"], options=options)
    assert v3 == 'version: "3.8"\nservices:\n  api:\n    image: example/api:2.3\n    deploy:\n      resources:\n        limits:\n          cpus: "0.5"\n          memory: 512M\n'
    assert any("--compatibility" in m for m in messages(outcome))
    spec, _ = run("B17", "compose.yaml", ["DW103"], options=options)
    assert spec.endswith('    deploy:\n      resources:\n        limits:\n          cpus: "0.5"\n          memory: 512M\n')


def test_b18_legacy_keys_never_meet_deploy_limits() -> None:
    options = {"DW103": {"families": {f: {"cpus": "0.5", "memory": "512M"} for f in ("default", "worker", "app")}}}
    output, _ = run("B18", "docker-compose.yml", ["DW103"], options=options)
    assert output == (
        "services:\n  search:\n    image: example/search:5.1\n    mem_limit: 1g\n    pids_limit: 256\n    cpus: 0.5\n"
        '  worker:\n    image: example/worker:5.1\n    deploy:\n      resources:\n        limits:\n          cpus: "1.0"\n          memory: 512M\n'
    )
