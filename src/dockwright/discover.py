"""Which files to look at, and what each one is."""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

SKIP_DIRS = {".git", "node_modules", ".hg", ".svn", ".venv", "__pycache__", ".tox", ".mypy_cache"}
COMPOSE_NAMES = ("compose*.yml", "compose*.yaml", "docker-compose*.yml", "docker-compose*.yaml", "*.compose.yml", "*.compose.yaml")
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Candidate:
    path: Path
    explicit: bool  # named on the command line, not found by walking


def is_compose_name(name: str) -> bool:
    lower = name.lower()
    return any(fnmatch.fnmatchcase(lower, pattern) for pattern in COMPOSE_NAMES)


def is_yaml_name(name: str) -> bool:
    return name.lower().endswith(YAML_SUFFIXES)


def is_dockerfile_name(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".dockerignore"):
        return False  # Dockerfile.web.dockerignore: BuildKit's per-Dockerfile ignore file
    return lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile")


def yaml_kind(name: str, data: Any) -> str | None:
    """Classify a parsed YAML file by its name and content."""
    if not isinstance(data, dict):
        return "compose" if is_compose_name(name) else None
    if is_compose_name(name) or isinstance(data.get("services"), dict):
        return "compose"
    if "receivers" in data and "route" in data:
        return "alertmanager"
    if "scrape_configs" in data or ("global" in data and "rule_files" in data):
        return "prometheus"
    if "apiVersion" in data and "kind" in data:
        return "kubernetes"
    return None


def candidates(paths: list[Path], errors: list[OSError] | None = None) -> Iterator[Candidate]:
    """Files to look at; folders that cannot be read are added to ``errors``."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_file():
            if path.resolve() not in seen:
                seen.add(path.resolve())
                yield Candidate(path, explicit=True)
            continue
        for found in _walk(path, errors if errors is not None else []):
            if found.resolve() not in seen:
                seen.add(found.resolve())
                yield Candidate(found, explicit=False)


def _walk(top: Path, errors: list[OSError]) -> Iterator[Path]:
    ignores = _ancestor_ignores(top)
    for directory, dirnames, filenames in os.walk(top, onerror=errors.append):
        here = Path(directory)
        local = _read_gitignore(here)
        if local is not None:
            ignores = [*ignores, (here, local)]
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not _ignored(here / d, ignores, is_dir=True)
        )
        for name in sorted(filenames):
            if is_yaml_name(name) or is_dockerfile_name(name):
                candidate = here / name
                if not _ignored(candidate, ignores, is_dir=False):
                    yield candidate


def _read_gitignore(directory: Path) -> Any:
    gitignore = directory / ".gitignore"
    if not gitignore.is_file():
        return None
    import pathspec

    try:
        lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ancestor_ignores(top: Path) -> list[tuple[Path, Any]]:
    found = []
    for folder in top.resolve().parents:
        spec = _read_gitignore(folder)
        if spec is not None:
            found.append((folder, spec))
        if (folder / ".git").exists():
            break
    return list(reversed(found))


def _ignored(path: Path, ignores: list[tuple[Path, Any]], *, is_dir: bool) -> bool:
    for base, spec in ignores:
        try:
            relative = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
        if spec.match_file(relative + ("/" if is_dir else "")):
            return True
    return False
