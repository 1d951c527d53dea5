"""Running the real command line, as a user (or pre-commit) would."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import EXAMPLE


class TolerantLoader(yaml.SafeLoader):
    """PyYAML, an independent parser, with Compose's local tags (!reset, !override) read as plain values."""


def _construct_tagged(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


TolerantLoader.add_multi_constructor("!", _construct_tagged)


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def dockwright(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockwright", *args],
        capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=300,
    )


def copy_tree(source: Path, tmp_path: Path) -> Path:
    """A writable scratch copy of a read-only tree (../shared is read-only; the original
    application has no licence to be kept, so it is only ever copied into tmp_path)."""
    target = tmp_path / source.name
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    return target


def copy_example(tmp_path: Path) -> Path:
    return copy_tree(EXAMPLE, tmp_path)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}
