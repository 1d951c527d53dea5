"""``--format json``: one object with files, fixes, messages and diffs."""
from __future__ import annotations

import json
from typing import Any

from dockwright.report.diff import masked, unified_diff


def render(outcome: Any, *, dry_run: bool) -> str:
    files = []
    for result in outcome.files:
        if result.before == result.after:
            continue
        files.append(
            {
                "path": result.display,
                "created": result.created,
                "fixes": [{"code": f.code, "message": f.message} for f in result.fixes],
                "diff": masked(unified_diff(result.before, result.after, result.display, created=result.created), result.redact),
            }
        )
    messages = [
        {"path": m.display, "line": m.line, "column": m.column, "code": m.code or None, "message": m.text, "severity": m.severity}
        for m in outcome.messages
    ]
    return json.dumps({"dry_run": dry_run, "exit_code": outcome.exit_code, "files": files, "messages": messages}, indent=2, ensure_ascii=False)
