"""Escape container variables in healthchecks so Compose does not fill them from the host.

## What it does
In a shell healthcheck (`CMD-SHELL`, or a string `test`), a `$VAR` or `${VAR...}` that
names a variable the *container* gets (from the service's `environment` with a
written value, or from its `env_file`) is reported, and with `--unsafe-fixes`
written as `$$VAR`, so that the container's shell expands it. Variables that the file
also interpolates elsewhere (`${VAR}` in another place) are taken to come from the
host and left alone. Exec-form `CMD` tests are not touched: no shell expands them.

## Why
Compose interpolates `$VAR` in the whole file from the host's environment and `.env`
before any container starts. `pg_isready -U ${POSTGRES_USER}` with `POSTGRES_USER`
only in `db.env` becomes `pg_isready -U ` plus a "variable is not set" warning, and
the check passes or fails for the wrong reason (docker/docs#21225).

## Example
```yaml
# before
services:
  db:
    image: postgres:16
    env_file: ./db.env          # POSTGRES_USER=shop
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U ${POSTGRES_USER}"]
# after
services:
  db:
    image: postgres:16
    env_file: ./db.env          # POSTGRES_USER=shop
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"]
```

## Fix safety
Unsafe: a user who exports the variable on the host on purpose gets the container's
value instead. Only variable names are read from `env_file`s, never values.

## Options
None.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import quote_string
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import environment

CODE = "DW205"
REFERENCE = re.compile(r"(?<!\$)\$(\{)?([A-Za-z_][A-Za-z0-9_]*)")
ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", re.M)


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        test_occ = doc.get(service.node, "healthcheck", "test")
        if test_occ is None or test_occ.shared:
            continue
        target = test_occ if test_occ.is_scalar else (test_occ.items[1] if test_occ.is_sequence and len(test_occ.items) == 2 and test_occ.items[0].value == "CMD-SHELL" else None)
        if target is None or not target.is_scalar or not isinstance(target.value, str) or target.style in ("|", ">"):
            continue
        names = _container_only(doc, service.data, context, target)
        if names:
            yield _escape(doc, service.name, target, test_occ, names)


def _container_only(doc: YamlDocument, service: dict[str, Any], context: Any, target: Any) -> list[str]:
    used = {m.group(2) for m in REFERENCE.finditer(target.value)}
    if not used:
        return []
    elsewhere = doc.text[: target.start] + doc.text[target.end :]
    host = {m.group(2) for m in REFERENCE.finditer(elsewhere)}
    written = {k for k, v in environment(service).items() if v is not None and "$" not in v}
    return sorted(n for n in used if n not in host and (n in written or n in _env_file_names(doc, service, context)))


def _env_file_names(doc: YamlDocument, service: dict[str, Any], context: Any) -> set[str]:
    files = service.get("env_file")
    entries = files if isinstance(files, list) else [files] if files else []
    names: set[str] = set()
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else entry
        text = context.project.read_text(str(PurePosixPath(doc.path).parent / str(path))) if context and isinstance(path, str) else None
        names.update(ENV_LINE.findall(text or ""))
    return names


def _escape(doc: YamlDocument, name: str, target: Any, test_occ: Any, names: list[str]) -> Fix:
    wanted = set(names)
    new = REFERENCE.sub(lambda m: "$" + m.group(0) if m.group(2) in wanted else m.group(0), target.value)
    text = quote_string(new, target.style) if target.style in ("'", '"') else (new if test_occ.is_scalar and not new.startswith(("'", '"')) else quote_string(new, '"'))
    path = ("services", name, "healthcheck", "test") + (() if test_occ.is_scalar else (1,))
    message = f"{name}: the healthcheck's {', '.join(names)} would be filled from the host when Compose reads the file; escape as $$ for the container's value"
    return Fix(CODE, message, (Edit(target.start, target.end, text),), (Change(path, new),), target.start, path, applicability=Applicability.UNSAFE)


RULE = Rule(
    code=CODE,
    name="healthcheck-variable-read-from-host",
    phase=2,
    kind="compose",
    applicability=Applicability.UNSAFE,
    title="Escape container variables in shell healthchecks as $$",
    check=check,
    doc=__doc__ or "",
)
