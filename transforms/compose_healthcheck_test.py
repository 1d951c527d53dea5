"""Repair a healthcheck `test` list that Docker runs differently from what it says.

## What it does
Reports and (with `--unsafe-fixes`) rewrites two mistakes in `healthcheck.test`:

- a list whose first element is not `CMD`, `CMD-SHELL` or `NONE`
  (`["mysqladmin", "ping"]`): Docker then reports no health status at all
  (docker/compose#10155, docker/compose#4424);
- `["CMD-SHELL", "curl", "-f", "http://x"]`: only the first string after `CMD-SHELL`
  runs, the rest is ignored (docker/docs#10058).

The repaired list is `["CMD", ...]` when no element needs a shell, otherwise
`["CMD-SHELL", "<the elements joined by spaces>"]`. Other healthcheck fields stay as
they are. A string `test:` is valid (it runs in a shell) and is not reported.

## Why
A malformed test leaves the service without a health status, so
`depends_on: condition: service_healthy` waits forever, or a check silently tests
something else than it seems to.

## Example
```yaml
# before
services:
  cache:
    image: redis:7-alpine
    healthcheck:
      test: ["CMD-SHELL", "redis-cli", "ping"]
# after
services:
  cache:
    image: redis:7-alpine
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
```

## Fix safety
Unsafe: the repaired check starts running, and a service that was never checked may
now turn unhealthy. Tests in anchors shared with other services are only reported.

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument, content_end
from dockwright.documents.yaml_edits import set_block_value
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import flow_strings

CODE = "DW203"
SHELL_SYNTAX = re.compile(r"[$|&;<>()*?~`'\"\\]")
NO_PREFIX = 'healthcheck.test must start with "CMD", "CMD-SHELL" or "NONE"'
SPLIT_SHELL = '"CMD-SHELL" takes exactly one string; extra elements are ignored'


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        test = (service.data.get("healthcheck") or {}).get("test") if isinstance(service.data.get("healthcheck"), dict) else None
        if not isinstance(test, list) or not test or not all(isinstance(t, str) for t in test):
            continue
        problem, repaired = _diagnose(test)
        if problem is None:
            continue
        path = ("services", service.name, "healthcheck", "test")
        check_occ = doc.get(service.node, "healthcheck")
        found = doc.lookup(check_occ, "test") if check_occ is not None else None
        if found is None or not found[2] or found[1].shared or check_occ.shared:
            yield Notice(CODE, f"{service.name}: {problem}", service.key.start, path)
            continue
        key, value, _owned = found
        yield Fix(CODE, problem, (_replace(doc, key, value, repaired),), (Change(path, repaired),), value.start, path, applicability=Applicability.UNSAFE)


def _diagnose(test: list[str]) -> tuple[str | None, list[str]]:
    head, rest = test[0], test[1:]
    if head not in ("CMD", "CMD-SHELL", "NONE"):
        return NO_PREFIX, _repaired(test)
    if head == "CMD-SHELL" and len(rest) > 1:
        return SPLIT_SHELL, _repaired(rest)
    return None, test


def _repaired(words: list[str]) -> list[str]:
    if any(SHELL_SYNTAX.search(w) for w in words):
        return ["CMD-SHELL", " ".join(words)]
    return ["CMD", *words]


def _replace(doc: YamlDocument, key: Any, value: Any, repaired: list[str]) -> Edit:
    if value.flow:
        quoted = [i.style for i in value.items if i.style in ("'", '"')]
        return Edit(value.start, value.end, flow_strings(repaired, quoted[0] if quoted else doc.quote_char()))
    # A block list's span runs on to the next key's indentation: cut at its content end.
    edit = set_block_value(doc, key, value, repaired)
    return Edit(edit.start, min(edit.end, content_end(doc, value)), edit.replacement)


RULE = Rule(
    code=CODE,
    name="healthcheck-test-malformed",
    phase=2,
    kind="compose",
    applicability=Applicability.UNSAFE,
    title="Repair CMD / CMD-SHELL mistakes in healthcheck.test",
    check=check,
    doc=__doc__ or "",
)
