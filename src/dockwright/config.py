"""Settings from ``[tool.dockwright]`` in pyproject.toml or from dockwright.toml."""
from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from dockwright.documents.source import Problem

ENV_WORDS = {
    "dev": {"dev", "development", "local", "override"},
    "staging": {"stage", "staging"},
}


@dataclass(frozen=True)
class Config:
    root: Path
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    environments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def environment_of(self, path: Path) -> str:
        relative = _relative(path, self.root)
        for env in ("dev", "staging", "prod"):
            for pattern in self.environments.get(env, ()):
                if _glob_match(relative, pattern):
                    return env
        return environment_from_name(path.name)

    def options(self, *names: str) -> dict[str, Any]:
        """The table for a rule, looked up by its code or its name (``[tool.dockwright.DW103]``)."""
        for name in names:
            table = self.rules.get(name)
            if isinstance(table, dict):
                return table
        return {}


def environment_from_name(name: str) -> str:
    stem = name.lower()
    for suffix in (".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    words = {w for w in _split(stem) if w}
    for env, markers in ENV_WORDS.items():
        if words & markers:
            return env
    return "prod"


def _split(stem: str) -> list[str]:
    for separator in "-_":
        stem = stem.replace(separator, ".")
    return stem.split(".")


def _relative(path: Path, root: Path) -> str:
    try:
        return PurePosixPath(path.resolve().relative_to(root.resolve())).as_posix()
    except ValueError:
        return path.as_posix()


def _glob_match(relative: str, pattern: str) -> bool:
    if fnmatch.fnmatchcase(relative, pattern):
        return True
    if pattern.startswith("**/") and fnmatch.fnmatchcase(relative, pattern[3:]):
        return True
    return "/" not in pattern and fnmatch.fnmatchcase(PurePosixPath(relative).name, pattern)


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise Problem(f"{path}: invalid TOML: {error}") from None


KNOWN_KEYS = {"select", "ignore", "environments"}
RULE_TABLE = re.compile(r"DW\d{3}$|[a-z0-9]+(-[a-z0-9]+)+$")


def _codes(value: Any) -> tuple[str, ...]:
    """``select = "DW101"`` is read as the one-item list the user meant."""
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    directory = start.resolve()
    if directory.is_file():
        directory = directory.parent
    for folder in (directory, *directory.parents):
        candidate = folder / "dockwright.toml"
        if candidate.is_file():
            return candidate, _load_toml(candidate)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _load_toml(candidate).get("tool", {}).get("dockwright")
            if table is not None:
                return candidate, table
        if (folder / ".git").exists():
            break
    return None


def load_config(start: Path) -> Config:
    found = find_config(start)
    if found is None:
        root = start.resolve()
        return Config(root=root if root.is_dir() else root.parent)
    path, table = found
    unknown = sorted(k for k, v in table.items() if k not in KNOWN_KEYS and not (isinstance(v, dict) and RULE_TABLE.match(k)))
    if unknown:
        raise Problem(f"{path}: unknown setting {unknown[0]!r}; settings are {', '.join(sorted(KNOWN_KEYS))} and one table per fix ([DW103] or its name)")
    environments = {
        env: tuple(table.get("environments", {}).get(env, ()))
        for env in ("dev", "staging", "prod")
    }
    rules = {k: v for k, v in table.items() if isinstance(v, dict) and k != "environments"}
    return Config(
        root=path.parent,
        select=_codes(table.get("select", ())),
        ignore=_codes(table.get("ignore", ())),
        environments=environments,
        rules=rules,
        source=path,
    )
