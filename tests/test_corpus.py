"""Every compose file of the real corpus: no crash, valid output, Compose still accepts it,
comments kept, and a second run that changes nothing."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from dockwright import engine
from dockwright.config import environment_from_name
from dockwright.transforms import all_rules
from tests.conftest import SHARED, oracle
from tests.helpers import TolerantLoader, comments

CORPUS = SHARED / "corpus" / "compose"
PHASE_ONE = [r for r in all_rules() if r.phase == 1 and r.kind == "compose"]


def _files() -> list:
    if not CORPUS.exists():
        return [pytest.param(None, id="corpus missing")]
    return [pytest.param(p, id=p.name) for p in sorted(CORPUS.iterdir()) if p.suffix in (".yml", ".yaml")]


def _compose_ok(binary: str, path: Path) -> bool:
    result = subprocess.run([binary, "-f", str(path), "config", "-q", "--no-interpolate"], capture_output=True, text=True, cwd=path.parent, timeout=60, env={k: v for k, v in os.environ.items() if k != "COMPOSE_FILE"})
    return result.returncode == 0


@pytest.mark.parametrize("path", _files())
def test_corpus_file(path: Path | None, tmp_path: Path) -> None:
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CORPUS} is missing")
        pytest.skip("corpus missing")
    data = path.read_bytes()
    env = environment_from_name(path.name.split("__")[-1])
    output, outcome = engine.fix_text(data, path.name, PHASE_ONE, env=env)
    errors = [str(m) for m in outcome.messages if m.severity == "error"]
    assert not errors, errors
    if output == data:
        return
    text = output.decode("utf-8")
    list(yaml.load_all(text.lstrip("\ufeff"), Loader=TolerantLoader))  # an independent parser accepts it
    assert set(comments(data.decode("utf-8"))) <= set(comments(text)), "a comment was lost"
    again, _ = engine.fix_text(output, path.name, PHASE_ONE, env=env)
    assert again == output, "second run changed the file"
    binary = oracle("docker-compose")
    before, after = tmp_path / "before.yml", tmp_path / "after.yml"
    before.write_bytes(data)
    after.write_bytes(output)
    if _compose_ok(binary, before):
        assert _compose_ok(binary, after), "docker-compose config accepted the input but rejects the output"
