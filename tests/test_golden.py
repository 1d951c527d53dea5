"""Golden before/after pairs: golden/<fix-name>/<case>.before.<ext> and <case>.after.<ext>.

A case without ``.after`` must come back unchanged. Cross-file cases are folders
``<case>/before/`` and ``<case>/after/``. Each case runs only the fix its folder names;
the environment of a Compose case comes from its name (``dev-...``, ``staging-...``).
"""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from dockwright import engine
from dockwright.config import Config, environment_from_name
from dockwright.transforms import all_rules
from tests.conftest import GOLDEN

RULES = {rule.name: rule for rule in all_rules()}


def _file_cases() -> list:
    cases = []
    for before in sorted(GOLDEN.glob("*/*.before.*")):
        case = before.name.split(".before.")[0]
        cases.append(pytest.param(before, id=f"{before.parent.name}: {case}"))
    return cases


def _tree_cases() -> list:
    return [pytest.param(d, id=f"{d.parent.name}: {d.name}") for d in sorted(GOLDEN.glob("*/*/before")) if d.is_dir()]


def rule_for(folder: Path):
    assert folder.name in RULES, f"golden folder {folder.name!r} names no fix; fixes: {sorted(RULES)}"
    return RULES[folder.name]


def run_one(before: Path, data: bytes | None = None) -> tuple[bytes, engine.Outcome]:
    """Run the folder's fix over a case; the file name and environment come from the case name."""
    rule = rule_for(before.parent)
    case, ext = before.name.split(".before.")
    name = {"compose": f"docker-compose.{case}.{ext}", "dockerfile": "Dockerfile"}.get(rule.kind, f"{case}.{ext}")
    env = environment_from_name(case.replace("-", "."))
    options = engine.Options(unsafe_fixes=True)
    return engine.fix_text(before.read_bytes() if data is None else data, name, [rule], env=env, options=options)


def assert_same(expected: bytes, actual: bytes, label: str) -> None:
    if expected == actual:
        return
    diff = "".join(difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(True), actual.decode("utf-8", "replace").splitlines(True), "expected", "actual"))
    pytest.fail(f"{label} differs from its golden output:\n{diff or repr((expected, actual))}")


@pytest.mark.parametrize("before", _file_cases())
def test_golden_pair(before: Path, update_golden: bool) -> None:
    output, outcome = run_one(before)
    errors = [str(m) for m in outcome.messages if m.severity == "error"]
    assert not errors, errors
    after = before.with_name(before.name.replace(".before.", ".after."))
    if update_golden:
        if output != before.read_bytes():
            after.write_bytes(output)
        elif after.exists():
            after.unlink()
    expected = after.read_bytes() if after.exists() else before.read_bytes()
    assert_same(expected, output, before.name)
    again, _ = run_one(before, output)
    assert_same(output, again, f"second pass over {before.name}")


@pytest.mark.parametrize("before_dir", _tree_cases())
def test_golden_tree(before_dir: Path, tmp_path: Path, update_golden: bool) -> None:
    rule = rule_for(before_dir.parent.parent)
    work = tmp_path / "tree"
    shutil.copytree(before_dir, work)
    options = engine.Options(unsafe_fixes=True, write=True)
    config = Config(root=work)
    engine.run([work], [rule], config, options)
    after_dir = before_dir.parent / "after"
    if update_golden:
        if after_dir.exists():
            shutil.rmtree(after_dir)
        shutil.copytree(work, after_dir)
    expected = {p.relative_to(after_dir): p.read_bytes() for p in after_dir.rglob("*") if p.is_file()}
    actual = {p.relative_to(work): p.read_bytes() for p in work.rglob("*") if p.is_file()}
    assert sorted(expected) == sorted(actual)
    for relative, data in expected.items():
        assert_same(data, actual[relative], str(relative))
    second = engine.run([work], [rule], config, options)
    assert not second.changed, [r.display for r in second.changed]


def test_every_fix_has_golden_cases() -> None:
    folders = {p.name for p in GOLDEN.iterdir() if p.is_dir()}
    missing = sorted(set(RULES) - folders)
    assert not missing, f"fixes without golden cases: {missing}"
