"""Quote unquoted `HOST:CONTAINER` ports that YAML 1.1 reads as base-60 numbers.

## What it does
Puts quotes around an unquoted short-syntax port such as `2222:22` whose parts
YAML 1.1 reads as a sexagesimal (base-60) integer. `2222:22` becomes `"2222:22"`.
`3000:3000` is left as written: its container part is 60 or more, so no reader
takes it for a number.

## Why
YAML 1.1 parsers (PyYAML, so docker-compose v1 and podman-compose) read `2222:22`
as 2222 × 60 + 22 = 133342, while YAML 1.2 parsers (Compose v2) read the string
"2222:22". The same file then publishes different ports depending on the tool that
reads it (docker/compose#3290, containers/podman-compose#736).

## Example
```yaml
# before
services:
  git:
    ports:
      - 2222:22
# after
services:
  git:
    ports:
      - "2222:22"
```

## Fix safety
Safe: the quoted value is the string that Compose v2 already reads; only YAML 1.1
readers change, and they change to what the author meant. Ports in anchors that
other services share are reported, not changed.

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import quote_string
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Fix, Notice, Rule

CODE = "DW105"
# YAML 1.1's sexagesimal int: [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+
SEXAGESIMAL = re.compile(r"[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+")


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    quote = doc.quote_char()
    for service in compose.services(doc):
        ports = doc.get(service.node, "ports")
        if ports is None or not ports.is_sequence:
            continue
        for index, item in enumerate(ports.items):
            if item.alias or not item.is_scalar or item.style is not None:
                continue
            text = doc.text[item.start : item.end]
            if not SEXAGESIMAL.fullmatch(text):
                continue
            path = ("services", service.name, "ports", index)
            if item.shared:
                yield Notice(CODE, f"{service.name}: port {text} is read as a base-60 number by YAML 1.1 parsers; quote it in the shared anchor", item.start, path)
                continue
            message = f"{service.name}: unquoted port {text} is read as {_base60(text)} by YAML 1.1 parsers; quoted"
            yield Fix(CODE, message, (Edit(item.start, item.end, quote_string(text, quote)),), (), item.start, path)


def _base60(text: str) -> int:
    total = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        total = total * 60 + int(part)
    return -total if text.startswith("-") else total


RULE = Rule(
    code=CODE,
    name="ports-read-as-base-60",
    phase=1,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Quote ports that YAML 1.1 reads as base-60 numbers",
    check=check,
    doc=__doc__ or "",
)
