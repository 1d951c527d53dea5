"""The example `dockwright explain` prints for each Dockerfile fix is what the fix does."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dockwright import engine
from dockwright.config import Config
from tests.test_dockerfile_fixes import RULES

# Files the examples talk about ("package.json: ..."), laid beside the Dockerfile.
BESIDE = {
    "DW250": {"package.json": {"scripts": {"build": "tsc", "start": "node dist/index.js"}}, "package-lock.json": {}},
    "DW252": {"package.json": {"scripts": {"start": "node dist/index.js"}}},
}


def example(code: str) -> tuple[str, str]:
    body = re.search(r"```dockerfile\n(.*?)```", RULES[code].section("Example"), re.S).group(1)
    parts = re.split(r"^# (before|after)[^\n]*\n", body, flags=re.M)
    blocks = dict(zip(parts[1::2], parts[2::2]))
    return blocks["before"], blocks["after"]


@pytest.mark.parametrize("code", [c for c in RULES if c != "DW259"])
def test_explained_example_is_what_the_fix_does(code: str, tmp_path: Path) -> None:
    before, after = example(code)
    for name, data in BESIDE.get(code, {}).items():
        (tmp_path / name).write_text(json.dumps(data))
    (tmp_path / "Dockerfile").write_text(before)
    outcome = engine.run([tmp_path / "Dockerfile"], [RULES[code]], Config(root=tmp_path), engine.Options(unsafe_fixes=True, write=True))
    assert not outcome.failed, [str(m) for m in outcome.messages]
    assert (tmp_path / "Dockerfile").read_text() == after


def test_explained_dockerignore_is_what_the_fix_creates(tmp_path: Path) -> None:
    body = re.search(r"```text\n(.*?)```", RULES["DW259"].section("Example"), re.S).group(1)
    shown = [line for line in body.splitlines() if not line.startswith("#")]
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "Dockerfile").write_text("FROM node:20\nCOPY . .\n")
    engine.run([tmp_path], [RULES["DW259"]], Config(root=tmp_path), engine.Options(write=True))
    created = [line for line in (tmp_path / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert [line for line in shown if line] == [line for line in created if line in shown]
    assert set(shown) - {""} <= set(created)


@pytest.mark.parametrize("code", [c for c in RULES if c != "DW259"])
def test_doc_example_is_the_golden_example(code: str) -> None:
    folder = Path(__file__).parent.parent / "golden" / RULES[code].name
    before, after = example(code)
    tree = folder / "example" / "before" / "Dockerfile"
    pair = (tree, folder / "example" / "after" / "Dockerfile") if tree.exists() else (folder / "example.before.Dockerfile", folder / "example.after.Dockerfile")
    assert pair[0].read_text() == before and pair[1].read_text() == after
