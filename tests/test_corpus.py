"""Every compose file of the real corpus, under the phase-1 fixes and under every Compose
fix with unsafe ones on: no crash, output an independent parser reads, comments kept, a
second run that changes nothing, and `docker-compose config` still accepting the file
wherever it accepted the input."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from dockwright import engine
from dockwright.config import environment_from_name
from dockwright.transforms import all_rules
from tests.conftest import SHARED, dummy_env_for, oracle
from tests.helpers import TolerantLoader, comments

CORPUS = SHARED / "corpus" / "compose"
COMPOSE = [r for r in all_rules() if r.kind == "compose"]
RUNS = {
    "phase 1": ([r for r in COMPOSE if r.phase == 1], engine.Options()),
    "all compose fixes, unsafe on": (COMPOSE, engine.Options(unsafe_fixes=True)),
}


def _files() -> list:
    if not CORPUS.exists():
        return [pytest.param(None, run, id=f"{run}: corpus missing") for run in RUNS]
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yml", ".yaml"))
    return [pytest.param(p, run, id=f"{run}: {p.name}") for run in RUNS for p in files]


def _compose_ok(binary: str, path: Path, text: str) -> bool:
    environment = {k: v for k, v in os.environ.items() if k != "COMPOSE_FILE"}
    environment.update(dummy_env_for(text))
    result = subprocess.run([binary, "-f", str(path), "config", "-q"], capture_output=True, text=True, cwd=path.parent, timeout=60, env=environment)
    return result.returncode == 0


@pytest.mark.parametrize("path,run", _files())
def test_corpus_file(path: Path | None, run: str, tmp_path: Path) -> None:
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CORPUS} is missing")
        pytest.skip("corpus missing")
    rules, options = RUNS[run]
    data = path.read_bytes()
    env = environment_from_name(path.name.split("__")[-1])
    output, outcome = engine.fix_text(data, path.name, rules, env=env, options=options)
    errors = [str(m) for m in outcome.messages if m.severity == "error"]
    assert not errors, errors
    if output == data:
        return
    text = output.decode("utf-8")
    list(yaml.load_all(text.lstrip("\ufeff"), Loader=TolerantLoader))
    assert set(comments(data.decode("utf-8"))) <= set(comments(text)), "a comment was lost"
    again, _ = engine.fix_text(output, path.name, rules, env=env, options=options)
    assert again == output, "second run changed the file"
    binary = oracle("docker-compose")
    before, after = tmp_path / "before.yml", tmp_path / "after.yml"
    before.write_bytes(data)
    after.write_bytes(output)
    if _compose_ok(binary, before, data.decode("utf-8", "replace")):
        assert _compose_ok(binary, after, text), "docker-compose config accepted the input but rejects the output"
