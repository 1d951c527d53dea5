"""Alertmanager configuration knowledge: secret fields and their ``*_file`` twins,
``${VAR}`` placeholders (which Alertmanager never expands), versions, matchers.

Versions come from the upstream CHANGELOG and docs/configuration.md. Fields marked
``UNRELEASED_GUESS`` exist on upstream main with a release we could not pin down; they
are treated as needing the newest release, so a pinned image never gets them by mistake.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Version = tuple[int, int]
CURRENT: Version = (0, 99)  # `latest` or no tag: whatever upstream ships now
UNRELEASED_GUESS: Version = (0, 32)


@dataclass(frozen=True)
class FileField:
    field: str
    file_field: str
    since: Version


def _table(rows: list[tuple[str, Version]]) -> dict[str, FileField]:
    return {name: FileField(name, f"{name}_file", since) for name, since in rows}


GLOBAL_FIELDS = _table([
    ("smtp_auth_password", (0, 25)), ("smtp_auth_secret", (0, 31)),
    ("slack_api_url", (0, 22)), ("slack_app_token", UNRELEASED_GUESS),
    ("opsgenie_api_key", (0, 24)), ("victorops_api_key", (0, 25)),
    ("telegram_bot_token", UNRELEASED_GUESS), ("wechat_api_secret", UNRELEASED_GUESS),
    ("rocketchat_token", (0, 28)), ("rocketchat_token_id", (0, 28)),
    ("mattermost_webhook_url", UNRELEASED_GUESS),
])

RECEIVER_FIELDS: dict[str, dict[str, FileField]] = {
    "email_configs": _table([("auth_password", (0, 25)), ("auth_secret", (0, 31))]),
    "slack_configs": _table([("api_url", (0, 22)), ("app_token", UNRELEASED_GUESS)]),
    "pagerduty_configs": _table([("routing_key", (0, 25)), ("service_key", (0, 25))]),
    "opsgenie_configs": _table([("api_key", (0, 24))]),
    "victorops_configs": _table([("api_key", (0, 25))]),
    "webhook_configs": _table([("url", (0, 26))]),
    "pushover_configs": _table([("user_key", (0, 26)), ("token", (0, 26))]),
    "telegram_configs": _table([("bot_token", (0, 26)), ("chat_id", (0, 31))]),
    "discord_configs": _table([("webhook_url", (0, 27))]),
    "msteams_configs": _table([("webhook_url", (0, 27))]),
    "msteamsv2_configs": _table([("webhook_url", (0, 28))]),
    "rocketchat_configs": _table([("token", (0, 28)), ("token_id", (0, 28))]),
    "wechat_configs": _table([("api_secret", UNRELEASED_GUESS)]),
    "mattermost_configs": _table([("webhook_url", UNRELEASED_GUESS)]),
}

# prometheus/common's HTTP client settings, under any `http_config`.
HTTP_FIELDS: dict[tuple[str, ...], FileField] = {
    ("basic_auth", "password"): FileField("password", "password_file", (0, 16)),
    ("authorization", "credentials"): FileField("credentials", "credentials_file", (0, 22)),
    ("oauth2", "client_secret"): FileField("client_secret", "client_secret_file", (0, 22)),
    ("bearer_token",): FileField("bearer_token", "bearer_token_file", (0, 15)),
}


def file_field_for(path: tuple[Any, ...]) -> FileField | None:
    """The ``*_file`` twin of the field at data ``path``, if Alertmanager has one."""
    if len(path) == 2 and path[0] == "global":
        return GLOBAL_FIELDS.get(path[1])
    if "http_config" in path:
        tail = path[path.index("http_config") + 1 :]
        return HTTP_FIELDS.get(tuple(tail))
    if len(path) == 5 and path[0] == "receivers" and isinstance(path[3], int):
        return RECEIVER_FIELDS.get(path[2], {}).get(path[4])
    return None


def describe(path: tuple[Any, ...]) -> str:
    """``receivers[1].telegram_configs[0].bot_token`` - the words a user searches for."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# placeholders ------------------------------------------------------------------------

# `${name}` in any case; bare `$NAME` only in upper case, the convention for environment
# variables, so that a literal `pa$word` or `$labels` is not taken for a placeholder.
PLACEHOLDER = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>(?::?[-?+=])[^}]*)?\}|\$(?P<bare>[A-Z_][A-Z0-9_]*)(?![A-Za-z0-9_])")
GO_ACTION = re.compile(r"\{\{.*?\}\}", re.S)


@dataclass(frozen=True)
class Placeholder:
    name: str
    start: int
    end: int
    has_default: bool


def placeholders(value: str) -> list[Placeholder]:
    """``${VAR}``, ``${VAR:-x}`` and ``$VAR`` outside Go template actions (``{{ $labels.x }}``)."""
    masked = GO_ACTION.sub(lambda m: " " * len(m.group(0)), value)
    found = []
    for match in PLACEHOLDER.finditer(masked):
        name = match.group("name") or match.group("bare")
        found.append(Placeholder(name, match.start(), match.end(), bool(match.group("rest"))))
    return found


def whole_placeholder(value: str) -> Placeholder | None:
    """The placeholder when it is the entire value (surrounding blanks allowed)."""
    found = placeholders(value)
    if len(found) != 1:
        return None
    only = found[0]
    return only if not value[: only.start].strip() and not value[only.end :].strip() else None


# versions ------------------------------------------------------------------------------

_VERSION = re.compile(r"v?(\d+)\.(\d+)")


def version_of_tag(tag: str | None) -> tuple[Version, bool]:
    """(version, known). ``latest``, no tag or an unreadable tag count as the newest release."""
    if not tag or tag in ("latest", "main", "master"):
        return CURRENT, tag is None or tag == "latest"
    match = _VERSION.search(tag)
    if match is None:
        return CURRENT, False
    return (int(match.group(1)), int(match.group(2))), True


def show_version(version: Version) -> str:
    return "the newest release" if version == CURRENT else f"{version[0]}.{version[1]}"


# matchers ------------------------------------------------------------------------------

LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def matcher(label: str, value: str, *, regex: bool) -> str:
    """``label="value"`` / ``label=~"regex"`` in the classic matcher syntax.

    ``match_re`` values and ``=~`` matchers are both anchored (``^(?:re)$``) by
    Alertmanager, so the regex is carried over as written; only the quoting changes.
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{label}{"=~" if regex else "="}"{escaped}"'
