"""``--format github``: GitHub Actions workflow annotations, one line per fix and message."""
from __future__ import annotations

from typing import Any

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def render(outcome: Any, *, dry_run: bool) -> str:
    lines: list[str] = []
    verb = "would fix" if dry_run else "fixed"
    for result in outcome.changed:
        for applied in result.fixes:
            where = f"file={_escape(result.display, property_value=True)},line={applied.line},col={applied.column}"
            lines.append(f"::warning {where},title={applied.code}::{_escape(f'{verb}: {applied.message}')}")
    for message in outcome.messages:
        where = f"file={_escape(message.display, property_value=True)},line={message.line},col={message.column}"
        title = f",title={message.code}" if message.code else ""
        lines.append(f"::{LEVELS.get(message.severity, 'warning')} {where}{title}::{_escape(message.text)}")
    return "\n".join(lines) + ("\n" if lines else "")
