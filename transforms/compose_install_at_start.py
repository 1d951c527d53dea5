"""Report staging services that install dependencies when the container starts.

## What it does
Reports each service of a staging Compose file whose `command` or `entrypoint` runs
`npm install`, `npm ci`, `yarn install` or `pnpm install` (the real application's
services run `node:20-bullseye` with `sh -c "npm install && npm run ..."`). It
changes nothing: the remedy is an image built from a Dockerfile (see the DW25x
Dockerfile fixes).

## Why
Installing at start means staging runs whatever the registry serves at that minute,
not what was tested; every restart needs the registry to be up; start-up takes
minutes; and the container carries a compiler tool chain and dev dependencies. The
audit flags it for staging, which should run the artefact that goes to prod.

## Example
```yaml
# reported (docker-compose.staging.yml)
services:
  api:
    image: node:20-bullseye
    command: sh -c "npm install --omit=dev && npm run api:start"
```

## Fix safety
Display only: there is no automatic fix.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._compose import command_text
from dockwright.transforms._compose_health import INSTALL_AT_START

CODE = "DW215"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        for key in ("command", "entrypoint"):
            match = INSTALL_AT_START.search(command_text(service.data, key))
            if match is None:
                continue
            found = doc.lookup(service.node, key)
            offset = found[1].start if found else service.key.start
            yield Notice(CODE, f"{service.name}: runs `{match.group(0)}` at start; build an image with the dependencies installed instead", offset, ("services", service.name, key))
            break


RULE = Rule(
    code=CODE,
    name="dependencies-installed-at-start",
    phase=2,
    kind="compose",
    applicability=Applicability.DISPLAY,
    title="Report npm install at container start",
    check=check,
    doc=__doc__ or "",
    environments=("staging",),
)
