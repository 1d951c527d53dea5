"""Dockerfile fixes through the engine's ``source -> source`` core; each fixing case has a no-op sibling."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockwright import engine
from dockwright.config import Config
from dockwright.fixes import DOC_HEADINGS
from dockwright.transforms import dockerfile_apt, dockerfile_dockerignore, dockerfile_exec_form, dockerfile_multi_stage, dockerfile_next_runner, dockerfile_non_root, dockerfile_npm_ci, dockerfile_npm_start, dockerfile_package_cache
from tests.conftest import shared

# In code order, as `dockwright` runs them: the whole-file rewrite (DW250) comes first.
RULES = dict(sorted(
    (rule.code, rule)
    for module in (dockerfile_apt, dockerfile_dockerignore, dockerfile_exec_form, dockerfile_multi_stage, dockerfile_next_runner, dockerfile_non_root, dockerfile_npm_ci, dockerfile_npm_start, dockerfile_package_cache)
    for rule in (getattr(module, "RULES", None) or [module.RULE])
))


def fix(text: str, *codes: str, unsafe: bool = True) -> tuple[str, engine.Outcome]:
    rules = [RULES[c] for c in codes] if codes else list(RULES.values())
    output, outcome = engine.fix_text(text.encode(), "Dockerfile", rules, options=engine.Options(unsafe_fixes=unsafe))
    return output.decode(), outcome


def messages(outcome: engine.Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def test_codes_are_in_the_dockerfile_range_with_full_docs() -> None:
    assert sorted(RULES) == [f"DW25{n}" for n in range(10)] + ["DW260", "DW261"]
    for rule in RULES.values():
        assert rule.kind == "dockerfile" and rule.phase == 2
        for heading in DOC_HEADINGS:
            assert rule.section(heading), f"{rule.code} lacks ## {heading}"
        assert "before" in rule.section("Example") and "after" in rule.section("Example")


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM a\nCMD node server.js\n", 'FROM a\nCMD ["node", "server.js"]\n', id="cmd"),
    pytest.param("FROM a\nENTRYPOINT ./run serve\n", 'FROM a\nENTRYPOINT ["./run", "serve"]\n', id="entrypoint without cmd"),
    pytest.param("FROM a\r\nCMD node server.js\r\n", 'FROM a\r\nCMD ["node", "server.js"]\r\n', id="crlf"),
])
def test_exec_form(before: str, after: str) -> None:
    assert fix(before, "DW251")[0] == after


@pytest.mark.parametrize("text", [
    pytest.param("FROM a\nCMD npm run migrate && node server.js\n", id="and-and"),
    pytest.param("FROM a\nCMD node server.js | tee log\n", id="pipe"),
    pytest.param("FROM a\nCMD node server.js > /var/log/app.log\n", id="redirect"),
    pytest.param("FROM a\nCMD node $ENTRY\n", id="variable"),
    pytest.param("FROM a\nCMD node dist/*.js\n", id="glob"),
    pytest.param("FROM a\nCMD node server.js # main\n", id="comment"),
    pytest.param('FROM a\nCMD ["node", "server.js"]\n', id="already exec form"),
    pytest.param("FROM a\nENTRYPOINT docker-entrypoint.sh\nCMD [\"redis-server\"]\n", id="entrypoint with cmd"),
    pytest.param("FROM a\n# dockwright: ignore[DW251]\nCMD node server.js\n", id="suppressed"),
])
def test_exec_form_no_op(text: str) -> None:
    assert fix(text, "DW251")[0] == text


def test_apt_cleanup_goes_before_the_trailing_comment_not_into_it() -> None:
    text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl  # fetch tool\n"
    output, _ = fix(text, "DW253", "DW254")
    assert output.splitlines()[1] == "RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*  # fetch tool"


def test_apt_safe_only_run_leaves_recommends_alone_with_a_note() -> None:
    text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
    output, outcome = fix(text, "DW253", "DW254", unsafe=False)
    assert output.endswith("apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n")
    assert any("--unsafe-fixes" in m for m in messages(outcome))


def test_apt_heredoc_and_cache_mount_no_op() -> None:
    text = "# syntax=docker/dockerfile:1\nFROM debian\nRUN <<EOF\napt-get install -y curl\nEOF\nRUN --mount=type=cache,target=/var/lib/apt apt-get install -y git\n"
    assert fix(text, "DW253", "DW254", "DW255", "DW256")[0] == text


def test_npm_ci_needs_a_lockfile_in_the_image() -> None:
    with_lock = "FROM node:20\nCOPY package.json package-lock.json ./\nRUN npm install\n"
    assert fix(with_lock, "DW257")[0].endswith("RUN npm ci\n")
    without = "FROM node:20\nCOPY package.json ./\nRUN npm install\n"
    output, outcome = fix(without, "DW257")
    assert output == without and any("npm ci would fail" in m for m in messages(outcome))


def test_non_root_skips_images_that_manage_their_user() -> None:
    text = "FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n"
    output, outcome = fix(text, "DW258")
    assert output == text and any("starts as root on purpose" in m for m in messages(outcome))


def test_non_root_does_not_append_into_a_continued_last_line() -> None:
    text = "FROM alpine:3.20\nRUN echo one \\\n"
    assert fix(text)[0] == text


def test_heredoc_file_keeps_bodies_byte_identical_b25(tmp_path: Path) -> None:
    source = shared("cases", "B25", "Dockerfile").read_text()
    output, outcome = fix(source)
    assert not [m for m in outcome.messages if m.severity == "error"]
    assert output.splitlines()[3:10] == source.splitlines()[3:10]
    assert "COPY --chown=node:node . ." in output and 'CMD ["npm", "start"]' in output
    assert fix(output)[0] == output


def test_multi_stage_reports_images_it_does_not_rewrite() -> None:
    _, outcome = fix("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n", "DW250")
    assert any("multi-stage conversion not attempted" in m and "golang" in m for m in messages(outcome))


def test_every_fix_is_idempotent_and_never_errors_on_the_example(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE
    import shutil

    work = tmp_path / "example"
    shutil.copytree(EXAMPLE, work)
    options = engine.Options(unsafe_fixes=True, write=True)
    first = engine.run([work], list(RULES.values()), Config(root=work), options)
    assert not first.failed, [str(m) for m in first.messages]
    assert {r.path.name for r in first.changed} == {"Dockerfile", ".dockerignore"}
    assert len(first.changed) == 4
    second = engine.run([work], list(RULES.values()), Config(root=work), options)
    assert not second.changed


def test_multi_stage_still_applies_after_the_small_fixes(tmp_path: Path) -> None:
    """Run the other fixes first (as a user of --select would), then DW250."""
    from tests.conftest import EXAMPLE
    import shutil

    work = tmp_path / "example"
    shutil.copytree(EXAMPLE, work)
    config, options = Config(root=work), engine.Options(unsafe_fixes=True, write=True)
    engine.run([work], [r for c, r in RULES.items() if c != "DW250"], config, options)
    outcome = engine.run([work], [RULES["DW250"]], config, options)
    assert sorted(r.display.rsplit("/", 2)[-2] for r in outcome.changed) == ["example", "worker"]
    assert "FROM node:18 AS runner" in (work / "Dockerfile").read_text()


def test_suppression_comment_above_from_keeps_the_rewrite_away(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"build": "tsc", "start": "node dist/main.js"}}))
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("# dockwright: ignore[DW250]\nFROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/main.js\"]\n")
    outcome = engine.run([tmp_path], [RULES["DW250"]], Config(root=tmp_path), engine.Options(unsafe_fixes=True))
    assert not outcome.changed


def test_rewrite_never_repeats_a_secret_value(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"build": "tsc", "start": "node dist/main.js"}}))
    (tmp_path / "Dockerfile").write_text("FROM node:20\nWORKDIR /app\nENV API_KEY=sk-live-1234\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/main.js\"]\n")
    outcome = engine.run([tmp_path], list(RULES.values()), Config(root=tmp_path), engine.Options(unsafe_fixes=True))
    assert any("secret-looking value" in m.text for m in outcome.messages)
    dockerfile = next(r for r in outcome.files if r.path.name == "Dockerfile")
    assert dockerfile.after.count("sk-live-1234") == 1
    assert not any("sk-live-1234" in str(m) for m in outcome.messages)


def test_bad_dockerfile_is_one_positioned_line_and_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "Dockerfile").write_text("FROM alpine\nAPK add curl\n")
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "Dockerfile").write_text("FROM alpine\nCMD echo hi\n")
    result = subprocess.run([sys.executable, "-m", "dockwright", "check", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert "Dockerfile:2:1: unknown instruction: APK" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr and "ok/Dockerfile" in result.stderr + result.stdout


@pytest.mark.parametrize("variant, base", [("", "node:20"), ("slim", "node:20-slim"), ("alpine", "node:20-alpine")])
def test_multi_stage_keeps_the_base_unless_config_asks_for_a_variant(tmp_path: Path, variant: str, base: str) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"build": "tsc", "start": "node dist/main.js"}}))
    (tmp_path / "package-lock.json").write_text("{}")
    (tmp_path / "Dockerfile").write_text("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/main.js\"]\n")
    config = Config(root=tmp_path, rules={"DW250": {"variant": variant}} if variant else {})
    engine.run([tmp_path], [RULES["DW250"]], config, engine.Options(unsafe_fixes=True, write=True))
    froms = [line for line in (tmp_path / "Dockerfile").read_text().splitlines() if line.startswith("FROM node")]
    assert froms == [f"FROM {base} AS builder", f"FROM {base} AS runner"]


def test_exec_form_that_is_not_json_gets_a_warning() -> None:
    text = "FROM a\nCMD ['node', 'server.js']\n"
    output, outcome = fix(text, "DW251")
    assert output == text and any("not a JSON array" in m for m in messages(outcome))


def test_created_dockerignore_gets_an_ordinary_file_mode(tmp_path: Path) -> None:
    import os

    (tmp_path / "Dockerfile").write_text("FROM node:20\nCOPY . .\n")
    engine.run([tmp_path], [RULES["DW259"]], Config(root=tmp_path), engine.Options(write=True))
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / ".dockerignore").stat().st_mode & 0o777 == 0o666 & ~umask


# from a second adversarial test round ---------------------------------------------------------

def test_apt_lists_stay_while_a_later_run_still_installs() -> None:
    text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN apt-get install -y --no-install-recommends jq\nUSER 1000\nCMD ["jq", "--version"]\n'
    output, _ = fix(text, "DW254", unsafe=False)
    lines = output.splitlines()
    assert "rm -rf" not in lines[1] and lines[2].endswith("jq && rm -rf /var/lib/apt/lists/*")


def test_next_files_are_chowned_to_a_user_without_a_group_of_its_name() -> None:
    text = (
        "FROM node:20-alpine AS builder\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\n"
        "FROM node:20-alpine AS runner\nWORKDIR /app\nRUN addgroup --system --gid 1001 nodejs\nRUN adduser --system --uid 1001 nextjs\n"
        "COPY --from=builder /app/.next/standalone ./\nCOPY --from=builder /app/.next/static ./.next/static\nUSER nextjs\nCMD [\"node\", \"server.js\"]\n"
    )
    output, _ = fix(text, "DW261", unsafe=False)
    assert "--chown=nextjs /app/.next/standalone" in output and "nextjs:nextjs" not in output


def _next_project(tmp_path: Path, config: str, dockerfile: str, start: str = "next start") -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"build": "next build", "start": start}, "dependencies": {"next": "14.2.5", "react": "18.3.1"}}))
    (tmp_path / "package-lock.json").write_text("{}\n")
    (tmp_path / "next.config.js").write_text(config)
    (tmp_path / "Dockerfile").write_text(dockerfile)
    return tmp_path


SINGLE = 'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nEXPOSE 3000\nCMD ["npm", "start"]\n'


def _rewrite(project: Path) -> tuple[str, list[str]]:
    outcome = engine.run([project], [dockerfile_multi_stage.RULE], Config(root=project), engine.Options(unsafe_fixes=True, write=True))
    return (project / "Dockerfile").read_text(), [str(m) for m in outcome.messages]


def test_a_commented_out_standalone_option_is_off(tmp_path: Path) -> None:
    project = _next_project(tmp_path, "const nextConfig = {\n  // output: 'standalone',\n  reactStrictMode: true,\n};\nmodule.exports = nextConfig;\n", SINGLE)
    output, _ = _rewrite(project)
    assert ".next/standalone" not in output and "server.js" not in output and "next" in output.splitlines()[-1]


def test_install_and_build_in_one_run_is_not_split(tmp_path: Path) -> None:
    dockerfile = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install && npm run build\nEXPOSE 4000\nCMD ["npm", "run", "start"]\n'
    project = _next_project(tmp_path, "module.exports = { output: 'standalone' };\n", dockerfile)
    output, notes = _rewrite(project)
    assert output == dockerfile
    assert any("installs and builds in one RUN" in n for n in notes), notes


def test_a_static_export_is_not_given_a_server(tmp_path: Path) -> None:
    project = _next_project(tmp_path, "module.exports = { output: 'export' };\n", SINGLE)
    output, notes = _rewrite(project)
    assert output == SINGLE and any("output: 'export'" in n for n in notes), notes


def test_the_start_port_carries_over_to_the_standalone_server(tmp_path: Path) -> None:
    dockerfile = SINGLE.replace("EXPOSE 3000\n", "")
    project = _next_project(tmp_path, "module.exports = { output: 'standalone' };\n", dockerfile, start="next start -p 4000")
    output, _ = _rewrite(project)
    assert "ENV PORT=4000" in output and 'CMD ["node", "server.js"]' in output
