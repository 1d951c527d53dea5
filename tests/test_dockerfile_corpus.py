"""Every Dockerfile fix over a corpus: the shared cases plus shapes real projects use.

For every file: no crash, no refused fix, byte-identical output where no fix applies,
idempotence, and no hadolint finding the input did not have. Multi-stage outputs get
a structure check in place of a build (no daemon here).
"""
from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from dockwright import engine
from dockwright.config import Config
from dockwright.documents.dockerfile import DockerfileDocument, dangling_stage_references, parse
from dockwright.documents.source import decode
from tests.conftest import EXAMPLE, SHARED, oracle
from tests.test_dockerfile_fixes import RULES

ALL = list(RULES.values())
SAFE = engine.Options(unsafe_fixes=False)
UNSAFE = engine.Options(unsafe_fixes=True)

# Shapes real projects use, beyond ../shared/cases/dockerfiles.
OWN = {
    "monorepo-turbo": "FROM node:20-alpine AS base\nRUN apk add --no-cache libc6-compat\nWORKDIR /repo\nCOPY . .\nRUN npx turbo prune web --docker\n\nFROM base AS runner\nWORKDIR /repo/apps/web\nCMD [\"node\", \"server.js\"]\n",
    "pnpm": "FROM node:20-slim\nENV PNPM_HOME=/pnpm\nRUN corepack enable\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN pnpm install --frozen-lockfile\nCOPY . .\nRUN pnpm build\nCMD [\"pnpm\", \"start\"]\n",
    "yarn-berry": "FROM node:20\nWORKDIR /app\nCOPY .yarnrc.yml package.json yarn.lock ./\nCOPY .yarn ./.yarn\nRUN yarn install --immutable\nCOPY . .\nRUN yarn build\nCMD yarn start\n",
    "python-poetry": "FROM python:3.12-slim\nENV POETRY_VERSION=1.8.3\nRUN pip install \"poetry==$POETRY_VERSION\"\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root --only main\nCOPY . .\nCMD [\"poetry\", \"run\", \"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\"]\n",
    "python-venv-multi-stage": "FROM python:3.12 AS build\nRUN python -m venv /venv\nCOPY requirements.txt .\nRUN /venv/bin/pip install -r requirements.txt\n\nFROM python:3.12-slim\nCOPY --from=build /venv /venv\nWORKDIR /app\nCOPY . .\nCMD [\"/venv/bin/python\", \"-m\", \"app\"]\n",
    "go-scratch": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/server ./cmd/server\n\nFROM scratch\nCOPY --from=build /out/server /server\nENTRYPOINT [\"/server\"]\n",
    "go-distroless-nonroot": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
    "java-temurin": "FROM eclipse-temurin:21-jdk AS build\nWORKDIR /src\nCOPY . .\nRUN ./gradlew bootJar\n\nFROM eclipse-temurin:21-jre\nWORKDIR /app\nCOPY --from=build /src/build/libs/app.jar app.jar\nEXPOSE 8080\nENTRYPOINT [\"java\", \"-jar\", \"app.jar\"]\n",
    "rust-debian": "FROM rust:1.79 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y ca-certificates && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /src/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n",
    "ruby-rails": "FROM ruby:3.3\nRUN apt-get update -qq && apt-get install -y nodejs postgresql-client\nWORKDIR /rails\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nEXPOSE 3000\nCMD [\"bin/rails\", \"server\", \"-b\", \"0.0.0.0\"]\n",
    "php-apache": "FROM php:8.3-apache\nRUN docker-php-ext-install pdo_mysql\nCOPY src/ /var/www/html/\nEXPOSE 80\n",
    "dotnet": "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"App.dll\"]\n",
    "bom-no-final-newline": "\ufeffFROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD node index.js",
    "onbuild-shell-healthcheck": "FROM alpine:3.20\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN apk add curl\nHEALTHCHECK --interval=30s \\\n  CMD curl -f http://localhost/ || exit 1\nONBUILD RUN apk add git\nSTOPSIGNAL SIGQUIT\nEXPOSE 8080\nCMD [\"./serve\"]\n",
    "exec-form-run-and-platform": "FROM --platform=$BUILDPLATFORM node:20 AS build\nRUN [\"npm\", \"install\", \"-g\", \"pnpm\"]\nFROM node:20\nCOPY --from=build /usr/local/lib/node_modules /usr/local/lib/node_modules\nUSER node\nCMD [\"node\"]\n",
    "heredoc-python-script": "# syntax=docker/dockerfile:1.7\nFROM python:3.12-slim\nRUN <<'PY' python\nprint('hello # not a comment')\nPY\nCOPY <<EOF /app/config.ini\n[app]\nname = demo\nEOF\nCMD [\"python\"]\n",
    "next-with-env-hostname": "FROM node:20-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM node:20-alpine\nWORKDIR /app\nENV HOSTNAME=localhost\nCOPY --from=build /app/.next/standalone ./\nCMD [\"node\", \"server.js\"]\n",
    "ubuntu-sudo-apt": "FROM ubuntu:24.04\nRUN apt-get update && \\\n    DEBIAN_FRONTEND=noninteractive apt-get install -yq \\\n      curl \\\n      git \\\n    ; echo done\nWORKDIR /work\nCMD [\"bash\"]\n",
}
UNTOUCHED_SHARED = {"06-escape-backtick-crlf", "09-crlf-nginx", "10-already-multistage-nonroot", "13-entrypoint-cmd-healthcheck", "14-empty", "15-ends-with-backslash", "16-user-root-then-back"}


def corpus() -> list:
    found = [pytest.param(name, text.encode("utf-8"), id=f"own: {name}") for name, text in OWN.items()]
    cases = SHARED / "cases"
    for path in sorted((cases / "dockerfiles").glob("*.Dockerfile")) + sorted(cases.glob("B2*/Dockerfile")):
        name = path.stem if path.name != "Dockerfile" else path.parent.name
        found.append(pytest.param(name, path.read_bytes(), id=f"shared: {name}"))
    golden = Path(__file__).parent.parent / "golden"
    for path in sorted(golden.glob("dockerfile-*/*.before.Dockerfile")) + sorted(golden.glob("dockerfile-*/*/before/**/Dockerfile*")):
        if path.name.endswith(".dockerignore"):
            continue
        name = path.relative_to(golden).as_posix()
        found.append(pytest.param(name, path.read_bytes(), id=f"golden: {name}"))
    return found


def run(data: bytes, options: engine.Options = UNSAFE) -> tuple[bytes, engine.Outcome]:
    return engine.fix_text(data, "Dockerfile", ALL, options=options)


@pytest.mark.parametrize("name, data", corpus())
def test_no_op_round_trip_is_byte_identical(name: str, data: bytes) -> None:
    output, outcome = engine.fix_text(data, "Dockerfile", [], options=UNSAFE)
    assert output == data and not outcome.messages


@pytest.mark.parametrize("options", [pytest.param(SAFE, id="safe"), pytest.param(UNSAFE, id="unsafe")])
@pytest.mark.parametrize("name, data", corpus())
def test_fixes_verify_settle_and_lint_no_worse(name: str, data: bytes, options: engine.Options) -> None:
    output, outcome = run(data, options)
    errors = [str(m) for m in outcome.messages if m.severity == "error"]
    assert not errors
    again, _ = run(output, options)
    assert again == output, "a second pass changed the output"
    if name in UNTOUCHED_SHARED:
        assert output == data
    assert not hadolint_counts(output) - hadolint_counts(data), "hadolint finds something new"


def hadolint_counts(data: bytes) -> collections.Counter:
    binary = oracle("hadolint")
    with tempfile.NamedTemporaryFile("wb", suffix=".Dockerfile", delete=False) as handle:
        handle.write(data)
    try:
        result = subprocess.run([binary, "--no-fail", "-f", "json", handle.name], capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(handle.name)
    return collections.Counter(finding["code"] for finding in json.loads(result.stdout or "[]"))


def test_example_findings_drop_and_both_images_become_multi_stage_non_root(tmp_path: Path) -> None:
    work = tmp_path / "example"
    shutil.copytree(EXAMPLE, work)
    before = {p: hadolint_counts(p.read_bytes()) for p in (work / "Dockerfile", work / "services/worker/Dockerfile")}
    outcome = engine.run([work], ALL, Config(root=work), engine.Options(unsafe_fixes=True, write=True))
    assert not outcome.failed
    for path, counts in before.items():
        after = hadolint_counts(path.read_bytes())
        assert not after - counts and sum(after.values()) <= sum(counts.values())
        document = parse(str(path), decode(path.read_bytes()))
        assert_multi_stage_structure(document, json.loads((path.parent / "package.json").read_text()))
        assert (path.parent / ".dockerignore").is_file()
    total_before = sum(sum(c.values()) for c in before.values())
    total_after = sum(sum(hadolint_counts(p.read_bytes()).values()) for p in before)
    assert total_after < total_before


@pytest.mark.parametrize("after", sorted((Path(__file__).parent.parent / "golden" / "dockerfile-node-single-stage").glob("*/after/Dockerfile")), ids=lambda p: p.parent.parent.name)
def test_golden_multi_stage_outputs_have_a_sound_structure(after: Path) -> None:
    document = parse(str(after), decode(after.read_bytes()))
    if len(document.stages) < 2:
        pytest.skip("not rewritten (a no-op case)")
    assert_multi_stage_structure(document, json.loads((after.parent / "package.json").read_text()))


def assert_multi_stage_structure(document: DockerfileDocument, package: dict) -> None:
    """What a build would prove, checked on the text: stages, copied paths, user, command."""
    assert len(document.stages) >= 2 and not dangling_stage_references(document)
    final = document.final
    user = final.last("USER")
    assert user is not None and user.args.text.strip() not in ("root", "0", "0:0")
    cmd = final.last("CMD")
    assert cmd is not None and cmd.is_exec_form
    for copy in final.named("COPY"):
        source_stage = copy.flags().get("from")
        if source_stage:
            produced = produced_paths(document, document.stage_named(source_stage))
            path = copy.args.text.split()[-2]
            assert any(path == p or path.startswith(p + "/") for p in produced), f"{path} is not produced in stage {source_stage}"
    words = json.loads(cmd.args.text)
    start = package.get("scripts", {}).get("start", "")
    if words == ["node", "server.js"]:
        assert final.named("ENV") and any("HOSTNAME=0.0.0.0" in e.args.text for e in final.named("ENV"))
    elif start:
        assert words[-len(start.split()[1:]) :] == start.split()[1:] and words[0].endswith(start.split()[0])


def produced_paths(document: DockerfileDocument, stage) -> set[str]:
    """Paths under the stage's WORKDIR that its instructions (or the stage it starts from) create."""
    from dockwright.transforms._dockerfile_node import workdir_at

    parent = document.stage_named(stage.base)
    workdir = workdir_at(stage) or (workdir_at(parent) if parent else None) or "/"
    produced: set[str] = produced_paths(document, parent) if parent else set()
    text = " ".join(i.args.text for i in stage.named("RUN"))
    if any(w in text for w in ("npm ci", "npm install", "npm prune")) or stage.base in ("deps", "builder"):
        produced.add(f"{workdir}/node_modules")
    if "npm run build" in text:
        produced.update({f"{workdir}/.next", f"{workdir}/dist", f"{workdir}/build"})
    if any(c.args.text.split()[-2:] == [".", "."] for c in stage.named("COPY")):
        produced.add(f"{workdir}/public")
    return produced


FRAGMENTS = [
    "RUN apt-get update && apt-get install -y curl  # tools",
    "RUN apk add --update git",
    "RUN pip install -r requirements.txt",
    "RUN npm install",
    "COPY package.json package-lock.json ./",
    "COPY . .",
    "WORKDIR /app",
    "ENV A=1",
    "# a comment",
    "",
    "CMD node index.js",
    "CMD npm start && echo done",
    "ENTRYPOINT ./run",
    "EXPOSE 8080",
    "USER root",
    "RUN echo a \\\n    && echo b",
    "RUN <<EOF\necho in heredoc\nEOF",
    "USER node",
    "RUN npm run build",
    "COPY --from=0 /app/.next ./.next",
    "ENTRYPOINT [\"tini\", \"--\"]",
    "FROM node:20-alpine AS runner",
    "ENV HOSTNAME=localhost",
    "COPY --from=0 /app/.next/standalone ./",
    "CMD [\"node\", \"server.js\"]",
    "RUN apt-get install -y curl \\\n    # comment\n    && rm -rf /tmp/x",
]


@given(
    base=st.sampled_from(["node:20", "node:20-alpine", "python:3.12-slim", "debian:bookworm", "alpine:3.20", "nginx:1.27"]),
    body=st.lists(st.sampled_from(FRAGMENTS), max_size=8),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_property_identity_idempotence_validity(base: str, body: list[str], newline: str) -> None:
    text = newline.join([f"FROM {base}", *body]).replace("\n", newline).replace("\r\r\n", "\r\n") + newline
    data = text.encode()
    assert engine.fix_text(data, "Dockerfile", [], options=UNSAFE)[0] == data
    output, outcome = run(data)
    assert not [m for m in outcome.messages if m.severity == "error"]
    assert run(output)[0] == output
    parse("Dockerfile", decode(output))


def _golden_pairs() -> list:
    golden = Path(__file__).parent.parent / "golden"
    pairs = [(p, p.with_name(p.name.replace(".after.", ".before."))) for p in sorted(golden.glob("dockerfile-*/*.after.Dockerfile"))]
    for after in sorted(golden.glob("dockerfile-*/*/after/**/Dockerfile*")):
        if not after.name.endswith(".dockerignore"):
            parts = after.relative_to(golden).parts
            pairs.append((after, golden.joinpath(parts[0], parts[1], "before", *parts[3:])))
    return [pytest.param(a, b, id=a.relative_to(golden).as_posix()) for a, b in pairs]


@pytest.mark.parametrize("after, before", _golden_pairs())
def test_golden_outputs_lint_no_worse_than_their_inputs(after: Path, before: Path) -> None:
    assert not hadolint_counts(after.read_bytes()) - hadolint_counts(before.read_bytes())
