"""Unit tests of the monitoring fixes: DW104, DW220-DW222, DW230, DW231."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dockwright import engine
from dockwright.config import Config
from dockwright.documents.alertmanager import matcher, placeholders, version_of_tag, whole_placeholder
from dockwright.transforms import alertmanager_localhost_receivers, alertmanager_matchers, alertmanager_secrets
from dockwright.transforms import prometheus_alerting, prometheus_rule_files, prometheus_targets
from dockwright.transforms._monitoring_targets import names_match
from tests.conftest import shared

AM_COMPOSE = "services:\n  alertmanager:\n    image: prom/alertmanager:{tag}\n    volumes:\n      - ./alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro\n"


def run_tree(tmp_path: Path, files: dict[str, str], rules: list, *, unsafe: bool = False, options: dict | None = None):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = Config(root=tmp_path, rules=options or {})
    outcome = engine.run([tmp_path], rules, config, engine.Options(unsafe_fixes=unsafe, write=True))
    texts = {name: (tmp_path / name).read_text(encoding="utf-8") for name in files}
    return outcome, texts


def messages(outcome) -> list[str]:
    return [f"{Path(m.display).name}:{m.line}:{m.column}: {m.code} {m.text}" for m in outcome.messages]


# placeholders and versions -------------------------------------------------------------

@pytest.mark.parametrize("value, names", [
    ("${A}", ["A"]), ("$A", ["A"]), ("${A:-x}", ["A"]), ("https://h/${A}/$B", ["A", "B"]),
    ("{{ $labels.instance }}", []), ("{{ range .Alerts }}{{ $x := 1 }}{{ end }} ${A}", ["A"]), ("costs $5", []),
    ("pa$word", []), ("$Mixed", []),
], ids=["braces", "bare", "default", "inside a url", "go template", "go template and placeholder", "dollar amount", "literal dollar in a password", "bare mixed case"])
def test_placeholders(value: str, names: list[str]) -> None:
    assert [p.name for p in placeholders(value)] == names


def test_whole_placeholder_only_when_alone() -> None:
    assert whole_placeholder(" ${A} ") is not None
    assert whole_placeholder("https://x/${A}") is None


@pytest.mark.parametrize("tag, version, known", [
    (None, (0, 99), True), ("latest", (0, 99), True), ("v0.25.0", (0, 25), True), ("0.27", (0, 27), True), ("main", (0, 99), False), ("edge", (0, 99), False),
])
def test_version_of_tag(tag, version, known) -> None:
    assert version_of_tag(tag) == (version, known)


# DW104 -----------------------------------------------------------------------------------

def test_b27_telegram_on_0_31_moves_token_and_chat_id(tmp_path: Path) -> None:
    files = {p.name: p.read_text() for p in shared("cases", "B27").glob("*.yml")}
    outcome, out = run_tree(tmp_path, files, [alertmanager_secrets.RULE])
    telegram = yaml.safe_load(out["alertmanager.yml"])["receivers"][0]["telegram_configs"][0]
    assert telegram == {"send_resolved": True, "bot_token_file": "/run/secrets/telegram_bot_token", "chat_id_file": "/run/secrets/telegram_chat_id", "parse_mode": "HTML"}
    service = yaml.safe_load(out["docker-compose.yml"])
    assert service["services"]["alertmanager"]["secrets"] == ["telegram_bot_token", "telegram_chat_id"]
    assert "environment" not in service["services"]["alertmanager"]
    assert service["secrets"] == {"telegram_bot_token": {"environment": "TELEGRAM_BOT_TOKEN"}, "telegram_chat_id": {"environment": "TELEGRAM_CHAT_ID"}}


def test_b28_old_image_reports_url_file_and_moves_global_slack(tmp_path: Path) -> None:
    files = {p.name: p.read_text() for p in shared("cases", "B28").glob("*.yml")}
    outcome, out = run_tree(tmp_path, files, [alertmanager_secrets.RULE])
    data = yaml.safe_load(out["alertmanager.yml"])
    assert data["global"] == {"slack_api_url_file": "/run/secrets/slack_webhook_url"}
    assert data["receivers"][0]["webhook_configs"][0]["url"] == "${DEADMANS_SWITCH_URL}"
    assert 'channel: "#ops"' in out["alertmanager.yml"]
    expected = ("alertmanager.yml:10:14: DW104 receivers[0].webhook_configs[0].url uses ${DEADMANS_SWITCH_URL}, which Alertmanager never expands; "
                "url_file requires Alertmanager >= 0.26 (image is prom/alertmanager:v0.25.0); upgrade the image")
    assert expected in messages(outcome)
    assert any("unsafe fix" in m for m in messages(outcome))


def test_chat_id_before_0_31_is_reported(tmp_path: Path) -> None:
    am = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: ${TOKEN}\n        chat_id: ${CHAT}\n"
    outcome, out = run_tree(tmp_path, {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="v0.30.0")}, [alertmanager_secrets.RULE])
    assert "bot_token_file: /run/secrets/token" in out["alertmanager.yml"] and "chat_id: ${CHAT}" in out["alertmanager.yml"]
    assert any("chat_id_file requires Alertmanager >= 0.31" in m for m in messages(outcome))


def test_placeholder_inside_a_longer_secret_is_reported_not_moved(tmp_path: Path) -> None:
    am = "route: {receiver: s}\nreceivers:\n  - name: s\n    slack_configs:\n      - api_url: https://hooks.slack.com/services/${SLACK_PATH}\n        channel: '#x'\n"
    outcome, out = run_tree(tmp_path, {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="latest")}, [alertmanager_secrets.RULE])
    assert out["alertmanager.yml"] == am
    assert any("only part of the value" in m for m in messages(outcome))


def test_no_compose_service_means_report_only(tmp_path: Path) -> None:
    am = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: ${TOKEN}\n        chat_id: 1\n"
    outcome, out = run_tree(tmp_path, {"alertmanager.yml": am}, [alertmanager_secrets.RULE], unsafe=True)
    assert out["alertmanager.yml"] == am
    assert any("no compose service mounts this file" in m for m in messages(outcome))


def test_file_source_option_for_old_compose(tmp_path: Path) -> None:
    am = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: ${TOKEN}\n        chat_id: 1\n"
    files = {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="v0.27.0")}
    _outcome, out = run_tree(tmp_path, files, [alertmanager_secrets.RULE], options={"DW104": {"secret_source": "file"}})
    assert yaml.safe_load(out["docker-compose.yml"])["secrets"] == {"token": {"file": "./secrets/token"}}


def test_no_secret_value_ever_appears(tmp_path: Path) -> None:
    sentinel = "s3cr3t-value-from-dotenv"
    am = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: ${TOKEN}\n        chat_id: 1\n    email_configs:\n      - to: ${MAIL_TO}\n        smarthost: ${SMTP_HOST:-smtp.example.com:25}\n        from: a@example.com\n"
    compose = AM_COMPOSE.format(tag="latest") + f"    environment:\n      TOKEN: ${{TOKEN}}\n      OTHER: {sentinel}-literal\n"
    files = {"alertmanager.yml": am, "docker-compose.yml": compose, ".env": f"TOKEN={sentinel}\nMAIL_TO={sentinel}\n"}
    outcome, out = run_tree(tmp_path, files, [alertmanager_secrets.RULE], unsafe=True)
    assert out[".env"] == files[".env"]
    everything = "\n".join([*messages(outcome), *(r.after for r in outcome.files)])
    assert sentinel not in everything.replace(f"{sentinel}-literal", "")
    assert "smtp.example.com:25" not in "\n".join(messages(outcome))  # defaults may be secrets too


def test_go_templates_survive_the_compose_render(tmp_path: Path) -> None:
    from tests.test_monitoring_oracles import rendered_configs

    am = "global:\n  smtp_smarthost: ${SMTP_HOST}\n  smtp_from: a@example.com\nroute: {receiver: m}\nreceivers:\n  - name: m\n    email_configs:\n      - to: ops@example.com\n        html: '{{ $labels := .CommonLabels }}{{ $labels.alertname }} costs $5'\n"
    outcome, out = run_tree(tmp_path, {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="v0.27.0")}, [alertmanager_secrets.RULE], unsafe=True)
    content = rendered_configs(tmp_path / "docker-compose.yml")["alertmanager_config"]
    assert "{{ $labels := .CommonLabels }}{{ $labels.alertname }} costs $5" in content
    assert "smtp_smarthost: smtp.example.com:587" in content


# DW220 ------------------------------------------------------------------------------------

PROM_COMPOSE = """services:
  prometheus:
    image: prom/prometheus:v2.53.0
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
{extra}  exporter-a:
    image: example/a
    ports: ["9100:9100"]
  exporter-b:
    image: example/b
    ports: ["19100:9100"]
"""


def _prom(targets: str) -> str:
    return f"scrape_configs:\n  - job_name: things\n    static_configs:\n      - targets: [{targets}]\n"


def test_own_port_stays_and_unknown_port_is_reported(tmp_path: Path) -> None:
    files = {"prometheus.yml": _prom("'localhost:9090', 'localhost:7777'"), "docker-compose.yml": PROM_COMPOSE.format(extra="")}
    outcome, out = run_tree(tmp_path, files, [prometheus_targets.RULE])
    assert out["prometheus.yml"] == files["prometheus.yml"]
    assert any("localhost:7777 cannot be reached" in m and "no compose service" in m for m in messages(outcome))


def test_published_port_wins_over_container_port(tmp_path: Path) -> None:
    files = {"prometheus.yml": _prom("'127.0.0.1:9100', 'host.docker.internal:19100'"), "docker-compose.yml": PROM_COMPOSE.format(extra="")}
    _outcome, out = run_tree(tmp_path, files, [prometheus_targets.RULE])
    assert yaml.safe_load(out["prometheus.yml"])["scrape_configs"][0]["static_configs"][0]["targets"] == ["exporter-a:9100", "exporter-b:9100"]


def test_prometheus_on_host_network_is_left_alone(tmp_path: Path) -> None:
    files = {"prometheus.yml": _prom("'localhost:9100'"), "docker-compose.yml": PROM_COMPOSE.format(extra="    network_mode: host\n")}
    outcome, out = run_tree(tmp_path, files, [prometheus_targets.RULE])
    assert out == files and not outcome.changed


def test_names_match() -> None:
    assert names_match("node-exporter", "node") and names_match("app", "next-app") and not names_match("grafana", "web")


def test_other_project_is_joined_through_its_named_network(tmp_path: Path) -> None:
    app = "name: shop\nservices:\n  web:\n    build: .\n    ports: ['3000:3000']\nnetworks:\n  default:\n    name: shop-net\n"
    files = {"monitoring/prometheus.yml": _prom("'localhost:3000'"), "monitoring/docker-compose.yml": PROM_COMPOSE.format(extra=""), "docker-compose.yml": app}
    _outcome, out = run_tree(tmp_path, files, [prometheus_targets.RULE])
    data = yaml.safe_load(out["monitoring/docker-compose.yml"])
    assert data["services"]["prometheus"]["networks"] == ["default", "shop-net"]
    assert data["networks"] == {"shop-net": {"external": True, "name": "shop-net"}}
    assert "'web:3000'" in out["monitoring/prometheus.yml"]


# DW221, DW222, DW230, DW231 ----------------------------------------------------------------

def test_alerting_block_needs_exactly_one_alertmanager(tmp_path: Path) -> None:
    compose = PROM_COMPOSE.format(extra="") + "  am1:\n    image: prom/alertmanager\n  am2:\n    image: prom/alertmanager\n"
    files = {"prometheus.yml": _prom("'localhost:9090'"), "docker-compose.yml": compose}
    outcome, out = run_tree(tmp_path, files, [prometheus_alerting.RULE])
    assert out == files


def test_unmounted_rule_files_are_reported(tmp_path: Path) -> None:
    prom = "rule_files:\n  - alert.rules.yml\n" + _prom("'localhost:9090'")
    outcome, out = run_tree(tmp_path, {"prometheus.yml": prom, "docker-compose.yml": PROM_COMPOSE.format(extra="")}, [prometheus_rule_files.RULE])
    assert out["prometheus.yml"] == prom
    assert any(m.startswith("prometheus.yml:2:5: DW222 rule_files: alert.rules.yml resolves to /etc/prometheus/alert.rules.yml") for m in messages(outcome))


def test_localhost_webhook_is_reported(tmp_path: Path) -> None:
    am = "route: {receiver: d}\nreceivers:\n  - name: d\n    webhook_configs:\n      - url: http://127.0.0.1:5001/\n"
    outcome, _out = run_tree(tmp_path, {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="latest")}, [alertmanager_localhost_receivers.RULE])
    assert any("DW231 receivers[0].webhook_configs[0].url sends to http://127.0.0.1:5001/" in m for m in messages(outcome))


@pytest.mark.parametrize("label, value, regex, expected", [
    ("severity", "critical", False, 'severity="critical"'),
    ("team", 'a"b\\c', False, 'team="a\\"b\\\\c"'),
    ("service", "^(foo|bar)$", True, 'service=~"^(foo|bar)$"'),
    ("path", "\\d+", True, 'path=~"\\\\d+"'),
    ("empty", "", False, 'empty=""'),
], ids=["plain", "quote and backslash", "anchored regex", "regex escape", "empty value"])
def test_matcher_rendering(label, value, regex, expected) -> None:
    assert matcher(label, value, regex=regex) == expected


def test_matchers_keep_routing_the_same(tmp_path: Path) -> None:
    """amtool's own router decides where alerts go, before and after the rewrite."""
    import subprocess

    from tests.conftest import oracle

    am = ("route:\n  receiver: default\n  routes:\n    - match_re:\n        service: 'api|web'\n      receiver: fe\n    - match:\n        team: 'a\"b'\n      receiver: odd\n"
          "receivers:\n  - name: default\n  - name: fe\n  - name: odd\n")
    after, outcome = engine.fix_text(am.encode(), "alertmanager.yml", [alertmanager_matchers.RULE])
    assert not [m for m in outcome.messages if m.severity == "error"] and b"match_re" not in after
    for labels, receiver in ((["service=api"], "fe"), (["service=apix"], "default"), (["service=xapi"], "default"), (['team=a\\"b'], "odd")):
        for text in (am.encode(), after):
            path = tmp_path / "am.yml"
            path.write_bytes(text)
            result = subprocess.run([oracle("amtool"), "config", "routes", "test", f"--config.file={path}", *labels], capture_output=True, text=True, timeout=60)
            assert result.stdout.strip() == receiver, (labels, text.decode(), result.stdout, result.stderr)


def test_every_compose_file_that_runs_the_config_gets_the_secrets_and_the_oldest_image_decides(tmp_path: Path) -> None:
    am = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: ${TOKEN}\n        chat_id: ${CHAT}\n"
    files = {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="v0.31.0"), "docker-compose.staging.yml": AM_COMPOSE.format(tag="v0.27.0") + "    env_file: .env.staging\n"}
    outcome, out = run_tree(tmp_path, files, [alertmanager_secrets.RULE])
    assert "chat_id: ${CHAT}" in out["alertmanager.yml"]  # 0.27 has no chat_id_file
    for name in ("docker-compose.yml", "docker-compose.staging.yml"):
        assert yaml.safe_load(out[name])["services"]["alertmanager"]["secrets"] == ["token"]
    assert any("not from env_file" in m for m in messages(outcome))


def test_two_services_of_one_file_are_left_to_a_person(tmp_path: Path) -> None:
    am = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: ${TOKEN}\n        chat_id: 1\n"
    compose = AM_COMPOSE.format(tag="latest") + "  alertmanager-2:\n    image: prom/alertmanager\n    volumes:\n      - ./alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro\n"
    outcome, out = run_tree(tmp_path, {"alertmanager.yml": am, "docker-compose.yml": compose}, [alertmanager_secrets.RULE])
    assert out["alertmanager.yml"] == am
    assert any("mounted by several services" in m for m in messages(outcome))


# properties ----------------------------------------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402


def unescape_matcher_value(quoted: str) -> str:
    """Alertmanager's reading of a double-quoted matcher value (docs: `\\"`, `\\n`, `\\\\`;
    a lone backslash stays literal)."""
    body, out, index = quoted[1:-1], [], 0
    while index < len(body):
        pair = body[index : index + 2]
        if pair in ('\\"', "\\\\", "\\n"):
            out.append({'\\"': '"', "\\\\": "\\", "\\n": "\n"}[pair])
            index += 2
        else:
            out.append(body[index])
            index += 1
    return "".join(out)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), st.booleans())
def test_matcher_values_round_trip(value: str, regex: bool) -> None:
    rendered = matcher("label", value, regex=regex)
    operator = "=~" if regex else "="
    assert rendered.startswith(f"label{operator}\"")
    assert unescape_matcher_value(rendered[len("label") + len(operator):]) == value


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_match_rewrite_verifies_and_settles(value: str) -> None:
    scalar = yaml.safe_dump(value, default_style='"', width=10**6, allow_unicode=True).split("\n...")[0].strip()
    am = f"route:\n  receiver: d\n  routes:\n    - match:\n        team: {scalar}\n      receiver: d\nreceivers:\n  - name: d\n"
    once, outcome = engine.fix_text(am.encode(), "alertmanager.yml", [alertmanager_matchers.RULE])
    assert not [m for m in outcome.messages if m.severity == "error"], [str(m) for m in outcome.messages]
    route = yaml.safe_load(once)["route"]["routes"][0]
    assert route["matchers"] == [matcher("team", value, regex=False)]
    twice, _ = engine.fix_text(once, "alertmanager.yml", [alertmanager_matchers.RULE])
    assert twice == once


def test_suppression_comment_keeps_one_place(tmp_path: Path) -> None:
    am = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: ${TOKEN}  # dockwright: ignore[DW104]\n        chat_id: 1\n    pushover_configs:\n      - user_key: ${USER_KEY}\n        token: ${APP_TOKEN}\n"
    _outcome, out = run_tree(tmp_path, {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="latest")}, [alertmanager_secrets.RULE])
    assert "bot_token: ${TOKEN}  # dockwright: ignore[DW104]" in out["alertmanager.yml"]
    assert "user_key_file: /run/secrets/user_key" in out["alertmanager.yml"]
    assert "token" not in yaml.safe_load(out["docker-compose.yml"])["secrets"]


def test_suppression_comment_keeps_a_target(tmp_path: Path) -> None:
    prom = "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets:\n          - localhost:9100  # dockwright: ignore\n          - localhost:19100\n"
    _outcome, out = run_tree(tmp_path, {"prometheus.yml": prom, "docker-compose.yml": PROM_COMPOSE.format(extra="")}, [prometheus_targets.RULE])
    assert "- localhost:9100  # dockwright: ignore" in out["prometheus.yml"] and "exporter-b:9100" in out["prometheus.yml"]


def test_alertmanager_on_localhost_in_the_alerting_block(tmp_path: Path) -> None:
    prom = "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['localhost:9093']\nscrape_configs: []\n"
    compose = PROM_COMPOSE.format(extra="") + "  alerts:\n    image: prom/alertmanager:v0.27.0\n    ports: ['9093:9093']\n"
    _outcome, out = run_tree(tmp_path, {"prometheus.yml": prom, "docker-compose.yml": compose}, [prometheus_targets.RULE])
    assert "targets: ['alerts:9093']" in out["prometheus.yml"]


def test_localhost_smarthost_is_reported(tmp_path: Path) -> None:
    am = "global:\n  smtp_smarthost: localhost:25\n  smtp_from: a@example.com\nroute: {receiver: d}\nreceivers:\n  - name: d\n"
    outcome, _out = run_tree(tmp_path, {"alertmanager.yml": am, "docker-compose.yml": AM_COMPOSE.format(tag="latest")}, [alertmanager_localhost_receivers.RULE])
    assert any("DW231 global.smtp_smarthost sends to localhost:25" in m for m in messages(outcome))
