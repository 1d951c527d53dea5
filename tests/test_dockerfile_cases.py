"""The shared cases B20-B25: the values their expected.md asks for."""
from __future__ import annotations

import shutil
from pathlib import Path


from dockwright import engine
from dockwright.config import Config
from tests.conftest import shared
from tests.test_dockerfile_fixes import RULES


def fixed(case: str, tmp_path: Path, *, unsafe: bool = True) -> tuple[str, engine.Outcome]:
    work = tmp_path / case
    shutil.copytree(shared("cases", case), work, ignore=shutil.ignore_patterns("expected.md"))
    outcome = engine.run([work], list(RULES.values()), Config(root=work), engine.Options(unsafe_fixes=unsafe, write=True))
    assert not outcome.failed, [str(m) for m in outcome.messages]
    again = engine.run([work], list(RULES.values()), Config(root=work), engine.Options(unsafe_fixes=unsafe))
    assert not again.changed
    return (work / "Dockerfile").read_text(), outcome


def runner(text: str) -> list[str]:
    return text.split("\nFROM ")[-1].splitlines()


def test_b20_standalone_runner_listens_on_all_interfaces_as_non_root(tmp_path: Path) -> None:
    text, _ = fixed("B20", tmp_path)
    stage = runner(text)
    assert "ENV HOSTNAME=0.0.0.0" in stage and not any("HOSTNAME=localhost" in line for line in stage)
    assert stage.index("ENV HOSTNAME=0.0.0.0") < stage.index('CMD ["node", "server.js"]')
    assert all("--chown=node:node" in line for line in stage if line.startswith("COPY --from"))
    assert "USER 1000:1000" in stage and stage.index("USER 1000:1000") < stage.index("EXPOSE 3000")


def test_b22_copies_before_user_node_get_chown_and_no_new_user(tmp_path: Path) -> None:
    text, _ = fixed("B22", tmp_path)
    stage = runner(text)
    copies = [line for line in stage if line.startswith("COPY --from")]
    assert len(copies) == 3 and all("--chown=node:node" in line for line in copies)
    assert "useradd" not in text and "adduser" not in text and stage.count("USER node") == 1


def test_b23_reports_sharp_and_the_libc_mismatch(tmp_path: Path) -> None:
    _, outcome = fixed("B23", tmp_path)
    texts = [m.text for m in outcome.messages]
    assert 'next 14.1.0 < 15 and "sharp" is not a dependency: next/image optimisation will fail in standalone mode; add it with "npm install sharp"' in texts
    assert any("installed on debian but runs on alpine" in t for t in texts)
    dockerignore = (tmp_path / "B23" / ".dockerignore").read_text().splitlines()
    assert "**/node_modules" in dockerignore and "**/.next" in dockerignore


def test_b24_worker_runs_node_directly_with_prod_dependencies(tmp_path: Path) -> None:
    text, _ = fixed("B24", tmp_path)
    stages = text.split("\n\n")
    assert stages[0].splitlines()[:4] == ["FROM node:20 AS builder", "WORKDIR /usr/src/app", "COPY package.json package-lock.json ./", "RUN npm ci"]
    assert "RUN npm ci --omit=dev" in stages[1]
    stage = runner(text)
    assert stage[0] == "node:20 AS runner" and "ENV NODE_ENV=production" in stage
    assert stage[-1] == 'CMD ["node", "dist/worker.js"]' and "USER 1000:1000" in stage
    assert "HEALTHCHECK" not in text and "&&" not in stage[-1]


def test_b25_heredocs_untouched_and_only_ownership_user_and_cmd_change(tmp_path: Path) -> None:
    before = shared("cases", "B25", "Dockerfile").read_text().splitlines()
    text, outcome = fixed("B25", tmp_path)
    after = text.splitlines()
    assert after[3:10] == before[3:10]
    changed = [line for line in after if line not in before]
    assert changed == ["COPY --chown=node:node . .", "USER 1000:1000", 'CMD ["npm", "start"]']
    assert any("heredocs" in m.text for m in outcome.messages)
