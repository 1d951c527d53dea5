"""The command line contract: exit codes, streams, dry-run, git apply, bad input."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dockwright.cli import UsageError, parse_phases
from dockwright.fixes import DOC_HEADINGS
from dockwright.transforms import all_rules
from tests.conftest import ROOT
from tests.helpers import copy_example, dockwright, snapshot


def test_dry_run_prints_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    before = snapshot(example)
    result = dockwright("fix", "--dry-run", "--phase", "1", str(example))
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("diff --git a/")
    assert "+      - \"127.0.0.1:3000:3000\"" in result.stdout
    assert "Traceback" not in result.stderr
    assert snapshot(example) == before


def test_git_apply_accepts_the_dry_run_diff(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    diff = dockwright("fix", "--dry-run", "--phase", "1", "agent-platform", cwd=tmp_path).stdout
    (tmp_path / "fix.patch").write_text(diff)
    check = subprocess.run(["git", "apply", "--check", "fix.patch"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    applied = tmp_path / "applied"
    shutil.copytree(example, applied / "agent-platform")
    subprocess.run(["git", "apply", "--directory=applied", "fix.patch"], cwd=tmp_path, check=True)
    assert dockwright("fix", "--phase", "1", "agent-platform", cwd=tmp_path).returncode == 1
    for path in example.rglob("*.yml"):
        assert (applied / "agent-platform" / path.relative_to(example)).read_bytes() == path.read_bytes(), path


def test_git_apply_handles_crlf_bom_and_missing_final_newline(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.dev.yml").write_bytes("\ufeffservices:\r\n  web:\r\n    image: x/web:1\r\n    ports:\r\n      - \"80:80\"".encode())
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    raw = subprocess.run([sys.executable, "-m", "dockwright", "fix", "--dry-run", "--select", "DW101", "."], cwd=tmp_path, capture_output=True).stdout
    assert b"\\ No newline at end of file" in raw and b"\r\n" in raw
    (tmp_path / "p.patch").write_bytes(raw)
    subprocess.run(["git", "apply", "p.patch"], cwd=tmp_path, check=True)
    assert (tmp_path / "docker-compose.dev.yml").read_bytes() == "\ufeffservices:\r\n  web:\r\n    image: x/web:1\r\n    ports:\r\n      - \"127.0.0.1:80:80\"".encode()


def test_fix_rewrites_in_place_keeps_mode_and_second_run_is_clean(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    dev = example / "docker-compose.dev.yml"
    dev.chmod(0o640)
    first = dockwright("fix", str(example))
    assert first.returncode == 1
    assert f"Rewriting {os.path.relpath(dev)}" in first.stderr
    assert stat.S_IMODE(dev.stat().st_mode) == 0o640
    assert not list(example.rglob("*.dockwright"))
    after = snapshot(example)
    second = dockwright("fix", str(example))
    assert second.returncode == 0, second.stdout + second.stderr
    assert snapshot(example) == after


def test_a_file_no_fix_touches_is_never_written(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text('services:\n  web:\n    image: x/web:1\n    deploy:\n      resources:\n        limits: {cpus: "1", memory: 1G}\n')
    os.utime(compose, ns=(1_000_000_000, 1_000_000_000))
    result = dockwright("fix", "--select", "DW101,DW103", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert compose.stat().st_mtime_ns == 1_000_000_000


BAD_INPUTS = {
    "docker-compose.invalid.yml": (b"services:\n  web:\n    image: [x\n", r"invalid YAML"),
    "docker-compose.duplicate.yml": (b"services:\n  web:\n    image: a\n    image: b\n", r'duplicate key "image" \(first defined at 3:5\)'),
    "docker-compose.tabs.yml": (b"services:\n\tweb:\n\t\timage: a\n", r"tab character"),
    "docker-compose.latin1.yml": (b"services:\n  web:\n    image: caf\xe9\n", r"not valid UTF-8"),
}


def test_bad_input_gets_one_positioned_line_exit_2_and_others_are_still_fixed(tmp_path: Path) -> None:
    for name, (data, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(data)
    good = tmp_path / "docker-compose.dev.yml"
    good.write_text('services:\n  web:\n    image: x/web:1\n    ports:\n      - "80:80"\n')
    result = dockwright("fix", "--select", "DW101", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for name, (data, pattern) in BAD_INPUTS.items():
        lines = [l for l in result.stderr.splitlines() if name in l]
        assert len(lines) == 1, (name, result.stderr)
        assert re.match(rf".*{re.escape(name)}:\d+:\d+: .*{pattern}", lines[0]), lines[0]
        assert (tmp_path / name).read_bytes() == data
    assert '"127.0.0.1:80:80"' in good.read_text()


def test_bad_input_positions_point_at_the_fault(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_bytes(b"services:\n  web:\n    image: a\n    image: b\n")
    (tmp_path / "compose.yaml").write_bytes(b"services:\n  web:\n    image: caf\xe9\n")
    result = dockwright("check", str(tmp_path))
    assert "docker-compose.yml:4:5: duplicate key" in result.stderr
    assert "compose.yaml:3:15: not valid UTF-8" in result.stderr


def test_alias_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    lines.append("services:\n  web:\n    image: x")
    (tmp_path / "docker-compose.yml").write_text("\n".join(lines) + "\n")
    result = dockwright("check", str(tmp_path))
    assert result.returncode == 2
    assert "alias" in result.stderr and "Traceback" not in result.stderr


def test_check_reports_without_diff(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    result = dockwright("check", str(example))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "DW101" in result.stderr and "would apply" in result.stderr


def test_json_format(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    result = dockwright("fix", "--dry-run", "--format", "json", str(example))
    report = json.loads(result.stdout)
    assert report["exit_code"] == result.returncode == 1
    paths = {f["path"] for f in report["files"]}
    assert any(p.endswith("docker-compose.dev.yml") for p in paths)
    assert all(f["diff"].startswith("diff --git") for f in report["files"])


def test_select_ignore_and_phase(tmp_path: Path) -> None:
    example = copy_example(tmp_path)
    only_ports = dockwright("fix", "--dry-run", "--select", "DW101", str(example)).stdout
    assert "127.0.0.1" in only_ports and "resources:" not in only_ports
    by_name = dockwright("fix", "--dry-run", "--select", "ports-published-on-all-interfaces", str(example)).stdout
    assert by_name == only_ports
    ignored = dockwright("fix", "--dry-run", "--phase", "1", "--ignore", "DW101", str(example)).stdout
    assert "127.0.0.1" not in ignored and "resources:" in ignored
    assert dockwright("fix", "--dry-run", "--phase", "5", str(example)).returncode == 0
    unknown = dockwright("fix", "--select", "DW999", str(example))
    assert unknown.returncode == 2 and "unknown fix" in unknown.stderr


@pytest.mark.parametrize("text,expected", [("1", {1}), ("1,2", {1, 2}), ("1-3", {1, 2, 3}), (" 2 , 4 ", {2, 4})], ids=["one", "list", "range", "spaces"])
def test_phase_parsing(text: str, expected: set[int]) -> None:
    assert parse_phases(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["x", "3-1", "0", "9", "1-"], ids=["word", "reversed range", "zero", "too big", "open range"])
def test_bad_phase_is_a_usage_error(text: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        parse_phases(text)
    assert dockwright("fix", "--phase", text, str(tmp_path)).returncode == 2


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert dockwright("fix", str(tmp_path / "missing")).returncode == 2
    assert dockwright("fix", "--no-such-flag").returncode == 2
    assert dockwright("explain", "DW999").returncode == 2


def test_version_and_rules_and_explain() -> None:
    assert dockwright("--version").stdout.startswith("dockwright ")
    table = dockwright("rules").stdout
    for rule in all_rules():
        assert rule.code in table
        text = dockwright("explain", rule.code).stdout
        for heading in DOC_HEADINGS:
            assert f"## {heading}" in text, (rule.code, heading)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_fix_documents_itself(rule) -> None:
    for heading in DOC_HEADINGS:
        assert rule.section(heading), f"{rule.code}: '## {heading}' is missing or empty"
    assert "```" in rule.section("Example"), f"{rule.code}: the example needs a code block"
    assert re.fullmatch(r"DW\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)


def test_rule_codes_and_names_are_unique() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


def _readme_table() -> str:
    rows = ["| code | name | phase | files | safety | fix |", "|---|---|---|---|---|---|"]
    rows += [f"| {r.code} | `{r.name}` | {r.phase} | {r.files} | {r.applicability.value} | {r.title} |" for r in all_rules()]
    return "\n".join(rows)


def test_readme_fix_table_is_current(update_golden: bool) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    pattern = re.compile(r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)", re.S)
    wanted = pattern.sub(lambda m: m.group(1) + _readme_table() + "\n" + m.group(2), text)
    if update_golden and wanted != text:
        readme.write_text(wanted)
        text = wanted
    assert text == wanted, "README's fix table is stale: run `pytest --update-golden`"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    assert "dockwright fix --dry-run examples/agent-platform" in blocks[0]
    assert "pytest" in blocks[1]
    assert blocks[1].strip() in (ROOT / ".ci" / "run").read_text()


def test_pre_commit_hooks_match_compose_files_anywhere() -> None:
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) >= {"dockwright", "dockwright-check"}
    pattern = re.compile(hooks["dockwright"]["files"])
    for name in ["docker-compose.yml", "deploy/docker-compose.staging.yml", "compose.dev.yaml", "a/b/app.compose.yml", "compose.override.yaml"]:
        assert pattern.search(name), name
    for name in ["README.md", "values.yaml", "src/app.py"]:
        assert not pattern.search(name), name
    assert hooks["dockwright"]["entry"].startswith("dockwright fix")
    assert hooks["dockwright-check"]["entry"].startswith("dockwright check")


def test_hard_coded_credentials_are_masked_in_the_diff(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: agent\n      POSTGRES_PASSWORD: s3cr3t-Value\n  ui:\n    image: grafana/grafana:11.1.0\n    environment:\n      - GF_SECURITY_ADMIN_PASSWORD=hunter2x\n")
    text = dockwright("fix", "--dry-run", "--unsafe-fixes", "--select", "DW214", str(tmp_path))
    assert "s3cr3t-Value" not in text.stdout + text.stderr and "hunter2x" not in text.stdout + text.stderr
    assert "-      POSTGRES_PASSWORD: ****" in text.stdout and "-      - GF_SECURITY_ADMIN_PASSWORD=****" in text.stdout
    assert "\n       POSTGRES_USER: agent\n" in text.stdout  # a context line: only the secret is masked
    report = dockwright("fix", "--dry-run", "--unsafe-fixes", "--select", "DW214", "--format", "json", str(tmp_path))
    assert "s3cr3t-Value" not in report.stdout and "hunter2x" not in report.stdout
    applied = dockwright("fix", "--unsafe-fixes", "--select", "DW214", str(tmp_path))
    assert "s3cr3t-Value" not in applied.stdout + applied.stderr
    assert "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" in compose.read_text() and "s3cr3t-Value" not in compose.read_text()


def test_github_annotations(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.dev.yml").write_text('services:\n  web:\n    image: x/web:1\n    ports:\n      - "80:80"\n')
    (tmp_path / "docker-compose.bad.yml").write_text("services:\n  web:\n    image: a\n    image: b\n")
    result = dockwright("check", "--select", "DW101", "--format", "github", str(tmp_path))
    lines = result.stdout.splitlines()
    assert any(l.startswith("::warning file=") and l.endswith("docker-compose.dev.yml,line=5,col=9,title=DW101::would fix: web: bind port 80:80 to loopback") for l in lines), lines
    assert any(l.startswith("::error file=") and "docker-compose.bad.yml,line=4,col=5::duplicate key" in l for l in lines), lines
    assert result.returncode == 2


def test_sarif_report(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.dev.yml").write_text('services:\n  web:\n    image: x/web:1\n    ports:\n      - "80:80"\n')
    result = dockwright("check", "--select", "DW101", "--format", "sarif", str(tmp_path))
    report = json.loads(result.stdout)
    run = report["runs"][0]
    assert report["version"] == "2.1.0" and [r["id"] for r in run["tool"]["driver"]["rules"]] == ["DW101"]
    found = run["results"][0]
    assert found["ruleId"] == "DW101" and found["locations"][0]["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 9}
    assert found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("docker-compose.dev.yml")
