"""Replace hard-coded credentials in prod and staging with required variables.

## What it does
In prod and staging Compose files, a secret-looking variable (`*PASSWORD*`, `*SECRET*`,
`*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`) whose value is written in the
file gets `${NAME:?set NAME}` instead, in both forms of `environment`:
`POSTGRES_PASSWORD: agent` and `- GF_SECURITY_ADMIN_PASSWORD=admin`. Compose then
reads the value from the shell or the `.env` file and refuses to start when it is
missing. Connection URLs with a password inside (`postgresql://user:pw@db/app`) are
reported, since only the author knows how to split them.

## Why
A password in a committed Compose file is in every clone, fork and CI log, and it is
usually the default one (`admin`, the database name) that scanners try first.

## Example
```yaml
# before (docker-compose.prod.yml)
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: agent
# after
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}
```

## Fix safety
Unsafe: the next `docker compose up` fails until the variable is set (that is the
intent, but it changes how the stack starts). Messages never contain the old value.
The text diff necessarily shows the removed line, as every diff of an edited line
does; the value was already in the file, and nothing new is disclosed. Variables
whose value already uses `$`, `*_FILE` variables, flags such as `ALLOW_EMPTY_PASSWORD`,
and environments from anchors other services share are left alone.

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.documents.yaml_edits import quote_string
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import SECRET_WORDS

CODE = "DW214"
NOT_SECRET = re.compile(r"ALLOW|_FILE$|__FILE$|_PATH$|EXPIR|TTL|LENGTH|_URL$|_URI$|_DSN$|_HOST$|_USER$|_METHOD$|_POLICY$", re.I)
URL_KEYS = re.compile(r"(_URL|_URI|_DSN)$", re.I)
URL_PASSWORD = re.compile(r"://[^/\s:@]+:[^@\s]+@")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        found = doc.lookup(service.node, "environment")
        if found is None:
            continue
        key, value, owned = found
        path = ("services", service.name, "environment")
        if not owned or value.shared:
            if _secrets(value):
                yield Notice(CODE, f"{service.name}: environment comes from an anchor other services share and holds hard-coded credentials; use ${{VAR}} there", key.start, path)
            continue
        if value.is_mapping and any(_secrets(doc.target(source)) for source in value.merge_sources()):
            yield Notice(CODE, f"{service.name}: environment merges an anchor that holds hard-coded credentials; use ${{VAR}} there", key.start, path)
        for index, name, text_occ, kind in _secrets(value):
            yield from _replace(doc, service.name, path, index, name, text_occ, kind, value.flow)


def _secrets(env: Occurrence) -> list[tuple[Any, str, Occurrence, str]]:
    """(data key or index, variable name, occurrence to replace, "map" | "list" | "url")."""
    found: list[tuple[Any, str, Occurrence, str]] = []
    if env.is_mapping:
        for key_occ, value_occ in env.pairs:
            name = str(key_occ.value)
            kind = _kind(name, value_occ.value if value_occ.is_scalar and not value_occ.is_null and not value_occ.alias else None)
            if kind:
                found.append((name, name, value_occ, kind))
    elif env.is_sequence:
        for index, item in enumerate(env.items):
            if item.is_scalar and not item.alias and isinstance(item.value, str) and "=" in item.value:
                name, _, text = item.value.partition("=")
                kind = _kind(name, text)
                if kind:
                    found.append((index, name, item, "list" if kind == "map" else kind))
    return found


def _kind(name: str, value: Any) -> str | None:
    if value is None or str(value) == "" or "$" in str(value):
        return None
    if URL_KEYS.search(name) and URL_PASSWORD.search(str(value)):
        return "url"
    if not SECRET_WORDS.search(name) or NOT_SECRET.search(name) or not NAME.match(name):
        return None
    return "map"


def _replace(doc: YamlDocument, service: str, path: tuple[Any, ...], index: Any, name: str, occ: Occurrence, kind: str, flow: bool) -> Iterator[Fix | Notice]:
    where = (*path, index)
    if kind == "url":
        yield Notice(CODE, f"{service}: {name} embeds a password in its URL; build it from a ${{VAR}} that is set outside the file", occ.start, where)
        return
    if occ.style in ("|", ">"):
        yield Notice(CODE, f"{service}: {name} is hard-coded in a block scalar; replace it with ${{{name}:?set {name}}} by hand", occ.start, where)
        return
    placeholder = f"${{{name}:?set {name}}}"
    new = placeholder if kind == "map" else f"{name}={placeholder}"
    quote = occ.style if occ.style in ("'", '"') else (doc.quote_char() if flow else None)
    text = quote_string(new, quote) if quote else new
    message = f"{service}: {name} is hard-coded; read it from the environment ({placeholder})"
    secret = str(occ.value) if kind == "map" else str(occ.value).partition("=")[2]
    yield Fix(CODE, message, (Edit(occ.start, occ.end, text),), (Change(where, new),), occ.start, where, applicability=Applicability.UNSAFE, redact=((name, secret),))


RULE = Rule(
    code=CODE,
    name="hard-coded-credentials",
    phase=2,
    kind="compose",
    applicability=Applicability.UNSAFE,
    title="Replace hard-coded credentials with ${VAR:?} placeholders",
    check=check,
    doc=__doc__ or "",
    environments=("staging", "prod"),
)
