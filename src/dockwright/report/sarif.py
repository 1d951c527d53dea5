"""``--format sarif``: SARIF 2.1.0 for code scanning; every fix that applies (or would) is a result."""
from __future__ import annotations

import json
from typing import Any

from dockwright import __version__

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _result(code: str, level: str, text: str, path: str, line: int, column: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": path}, "region": {"startLine": line, "startColumn": column}}}],
    }
    if code:
        result["ruleId"] = code
    return result


def render(outcome: Any, rules: list[Any], *, dry_run: bool) -> str:
    verb = "would fix" if dry_run else "fixed"
    results = [
        _result(a.code, "warning", f"{verb}: {a.message}", r.display, a.line, a.column)
        for r in outcome.changed
        for a in r.fixes
    ]
    results += [_result(m.code, LEVELS.get(m.severity, "warning"), m.text, m.display, m.line, m.column) for m in outcome.messages]
    driver = {
        "name": "dockwright",
        "version": __version__,
        "rules": [{"id": r.code, "name": r.name, "shortDescription": {"text": r.title}, "fullDescription": {"text": r.summary}} for r in rules],
    }
    return json.dumps({"version": "2.1.0", "$schema": SCHEMA, "runs": [{"tool": {"driver": driver}, "results": results}]}, indent=2, ensure_ascii=False)
