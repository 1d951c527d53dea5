"""The real tools judge the monitoring fixes: amtool, promtool and docker-compose.

amtool here is 0.25 (Debian). It rejects the ``*_file`` fields that later releases
added (``bot_token_file`` 0.26, ``chat_id_file`` 0.31, ...). So an output is checked in
two honest parts: fields amtool 0.25 knows are checked by amtool as written; each newer
``*_file`` field is checked structurally (an absolute path under /run/secrets, the
plain field gone) and then projected back to its plain field with a dummy value, so
that amtool still validates everything around it.
"""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from dockwright import discover

from dockwright.documents.alertmanager import GLOBAL_FIELDS, HTTP_FIELDS, RECEIVER_FIELDS
from tests.conftest import GOLDEN, compose_config, dummy_env_for, oracle

AMTOOL_VERSION = (0, 25)
MY_GOLDEN = [
    "alertmanager-env-placeholders", "alertmanager-deprecated-match", "alertmanager-localhost-receiver",
    "prometheus-container-local-targets", "prometheus-without-alertmanager", "prometheus-rule-files-not-mounted",
]
NEWER = {f.file_field: f for table in [GLOBAL_FIELDS, *RECEIVER_FIELDS.values()] for f in table.values() if f.since > AMTOOL_VERSION}
NEWER.update({f.file_field: f for f in HTTP_FIELDS.values() if f.since > AMTOOL_VERSION})
# Receiver types amtool 0.25 does not know: checked structurally, then left out of its copy.
NEWER_RECEIVERS = {"msteams_configs", "msteamsv2_configs", "rocketchat_configs", "jira_configs", "mattermost_configs", "incidentio_configs"}


def _dummy(field: str) -> Any:
    if field == "chat_id":
        return 1
    return "https://example.invalid/hook" if "url" in field else "dummy"


def project_for_amtool(data: Any, problems: list[str], path: str = "") -> Any:
    """A copy of ``data`` that amtool 0.25 can read; newer ``*_file`` fields are checked
    here (into ``problems``) and replaced by their plain field."""
    if isinstance(data, list):
        return [project_for_amtool(item, problems, f"{path}[{i}]") for i, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        twin = NEWER.get(key) if isinstance(key, str) else None
        if key in NEWER_RECEIVERS:
            project_for_amtool(value, problems, f"{path}.{key}")
            continue
        if twin is not None:
            if not (isinstance(value, str) and value.startswith("/run/secrets/")):
                problems.append(f"{path}.{key} = {value!r} is not a path under /run/secrets")
            if twin.field in data:
                problems.append(f"{path}: {twin.field} and {key} are both set (mutually exclusive)")
            out[twin.field] = _dummy(twin.field)
            continue
        out[key] = project_for_amtool(value, problems, f"{path}.{key}")
    return out


def amtool_check(text: str, tmp_path: Path) -> tuple[bool, str]:
    """(valid, output) for an Alertmanager config, as described in the module docstring."""
    problems: list[str] = []
    data = yaml.safe_load(text)
    projected = project_for_amtool(data, problems)
    if problems:
        return False, "; ".join(problems)
    path = tmp_path / f"am-{abs(hash(text))}.yml"
    path.write_text(yaml.safe_dump(projected, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = subprocess.run([oracle("amtool"), "check-config", str(path)], capture_output=True, text=True, timeout=60)
    return result.returncode == 0, result.stdout + result.stderr


def promtool_check(path: Path) -> tuple[bool, str]:
    result = subprocess.run([oracle("promtool"), "check", "config", str(path)], capture_output=True, text=True, timeout=60)
    return result.returncode == 0, result.stdout + result.stderr


def compose_env(path: Path) -> dict[str, str]:
    """Dummy values for everything a compose file interpolates, and the secrets it reads."""
    text = path.read_text(encoding="utf-8")
    import re

    names = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text)) | set(re.findall(r"environment: ([A-Z_][A-Z0-9_]*)", text))
    values = {n: "dummy" for n in names}
    values.update({n: "https://example.invalid/x" for n in names if "URL" in n})
    values.update({n: "smtp.example.com:587" for n in names if "HOST" in n})
    values.update({n: "team@example.com" for n in names if "EMAIL" in n or "FROM" in n or n.endswith("_TO")})
    return {**values, **dummy_env_for(text)}


def rendered_configs(path: Path) -> dict[str, str]:
    """``configs.<name>.content`` as Compose interpolates it, with dummy values."""
    result = compose_config(path, env=compose_env(path), extra=("--format", "json"))
    assert result.returncode == 0, result.stderr
    import json

    configs = json.loads(result.stdout).get("configs") or {}
    # `config` prints its model re-escaped, every literal `$` doubled so that the output
    # parses again (docker/compose#12580, #12315); the container gets single dollars.
    return {name: spec["content"].replace("$$", "$") for name, spec in configs.items() if "content" in spec}


def _golden_outputs() -> list:
    cases = []
    for name in MY_GOLDEN:
        folder = GOLDEN / name
        for path in sorted([*folder.rglob("*.yml"), *folder.rglob("*.yaml")]) if folder.exists() else []:
            if "before" in path.parts or ".before." in path.name:
                continue
            cases.append(pytest.param(path, id=str(path.relative_to(GOLDEN))))
    assert cases, "no golden outputs for the monitoring fixes"  # the golden folders are in the repository
    return cases


def _kind(path: Path) -> str | None:
    return discover.yaml_kind(path.name, yaml.safe_load(path.read_text(encoding="utf-8")))


def check_output(path: Path, tmp_path: Path) -> None:
    kind = _kind(path)
    if kind == "alertmanager":
        ok, output = amtool_check(path.read_text(encoding="utf-8"), tmp_path)
        assert ok, output
    elif kind == "prometheus":
        ok, output = promtool_check(path)
        assert ok, output
    elif kind == "compose":
        result = compose_config(path, env=compose_env(path))
        assert result.returncode == 0, result.stderr
        for name, content in rendered_configs(path).items():
            assert "${" not in content, name
            ok, output = amtool_check(content, tmp_path)
            assert ok, f"configs.{name}: {output}"


@pytest.mark.parametrize("path", _golden_outputs())
def test_golden_outputs_pass_the_real_tools(path: Path, tmp_path: Path) -> None:
    before = Path(str(path).replace("/after/", "/before/").replace(".after.", ".before."))
    if before.exists() and _kind(before) == "alertmanager" and not amtool_check(before.read_text(encoding="utf-8"), tmp_path)[0]:
        if "${" not in before.read_text(encoding="utf-8"):
            pytest.skip("the input itself is not a valid Alertmanager config (no-crash case)")
    if _kind(path) == "alertmanager" and _rendered_by_compose(path.parent):
        pytest.skip("the unsafe fix moved this config into compose configs:, checked there")
    check_output(path, tmp_path)


def _rendered_by_compose(folder: Path) -> bool:
    for compose_file in [*folder.glob("*compose*.yml"), *folder.glob("*compose*.yaml")]:
        data = yaml.safe_load(compose_file.read_text(encoding="utf-8")) or {}
        if "alertmanager_config" in (data.get("configs") or {}):
            return True
    return False


def test_projection_catches_both_fields_set(tmp_path: Path) -> None:
    text = "route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token: x\n        bot_token_file: /run/secrets/t\n        chat_id: 1\n"
    ok, output = amtool_check(text, tmp_path)
    assert not ok and "mutually exclusive" in output


def test_amtool_alone_rejects_newer_fields(tmp_path: Path) -> None:
    """Why the projection exists: amtool 0.25 does not know bot_token_file."""
    path = tmp_path / "am.yml"
    path.write_text("route: {receiver: t}\nreceivers:\n  - name: t\n    telegram_configs:\n      - bot_token_file: /run/secrets/t\n        chat_id: 1\n")
    result = subprocess.run([oracle("amtool"), "check-config", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "bot_token_file" in result.stdout + result.stderr
    assert amtool_check(path.read_text(), tmp_path)[0]
