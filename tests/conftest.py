from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLDEN = ROOT / "golden"
EXAMPLE = ROOT / "examples" / "agent-platform"

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("heavy", deadline=None, max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden expectations (and the README fix table) for review")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def oracle(name: str) -> str:
    """Path of an oracle binary. Missing: a failure under CI, a skip elsewhere."""
    candidates = [Path(sys.executable).parent / name, Path(sys.prefix) / "bin" / name]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    message = f"oracle {name!r} is not installed"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: oracles are required)")
    pytest.skip(message)


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


DUMMY_ENV = {
    "POSTGRES_PASSWORD": "dummy",
    "APP_VERSION": "1.0.0",
}


def compose_config(path: Path, *, env: dict[str, str] | None = None, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """``docker-compose config`` on one file, with dummy values for required variables."""
    binary = oracle("docker-compose")
    environment = {**os.environ, **DUMMY_ENV, **(env or {})}
    environment.pop("COMPOSE_FILE", None)
    return subprocess.run(
        [binary, "-f", str(path), "--project-directory", str(path.parent), "config", "--no-path-resolution", *extra],
        capture_output=True, text=True, env=environment, timeout=60, cwd=path.parent,
    )


def dummy_env_for(text: str) -> dict[str, str]:
    """A dummy value for every ``${VAR:?...}`` / ``${VAR?...}`` a file requires."""
    import re

    return {m.group(1): "dummy" for m in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", text)}
