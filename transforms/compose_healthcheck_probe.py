"""Report healthchecks that call a binary the image does not ship.

## What it does
Reports a `healthcheck.test` that runs `curl` or `wget` in an image known not to
contain it, or any shell command (`CMD-SHELL`, a string `test`) in an image without a
shell. What an image ships is known for a few bases only: `node:*-alpine`, `alpine`,
`busybox`, `caddy` and the busybox-based prom/* images have busybox `wget` but no
`curl`; `node:*-slim` and `python:*-slim` (Debian slim) have neither; `node:<version>` without a suffix
(buildpack-deps) has both; distroless and `scratch` have no shell and neither tool.
A Dockerfile that installs `curl` or `wget` (`apk add`, `apt-get install`, ...) counts.
Other images are not judged (nginx's Alpine tags, for one, add curl).

## Why
`/bin/sh: curl: not found` is the most common reason a container stays `unhealthy`
forever (shoaibm-rakbank/ai-demo#56, iam4x/bobarr#236), and with
`depends_on: service_healthy` its dependants then never start.

## Example
```yaml
# reported
services:
  web:
    image: node:20-alpine
    healthcheck:
      test: ["CMD", "curl", "-f", "http://127.0.0.1:3000/"]
```

## Fix safety
Display only: the right probe depends on the app, so the report names one that the
image can run (busybox `wget`, or `node -e` with `fetch`).

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._compose import major, repository, tag_of
from dockwright.transforms._compose_health import dockerfile_facts

CODE = "DW204"
PROBE_WORD = re.compile(r"(?<![\w./-])(?:/usr/bin/|/bin/)?(curl|wget)(?![\w-])")


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        check_data = service.data.get("healthcheck")
        test = check_data.get("test") if isinstance(check_data, dict) else None
        if not test or test == ["NONE"]:
            continue
        facts = dockerfile_facts(doc, service.data, context)
        image = facts.base if facts is not None and facts.base else service.data.get("image")
        ships = shipped(image)
        if ships is None:
            continue
        ships |= set(facts.installed if facts is not None else ())
        problem = _problem(test, ships)
        if problem:
            found = doc.get(service.node, "healthcheck", "test")
            offset = found.start if found is not None else service.key.start
            yield Notice(CODE, f"{service.name}: {problem} image {image}; the check reports unhealthy forever ({_hint(image, ships)})", offset, ("services", service.name, "healthcheck", "test"))


def shipped(image: Any) -> set[str] | None:
    """The probe tools (and `sh`) an image is known to ship; None when it is not known."""
    repo, tag = repository(image), tag_of(image)
    base = repo.rsplit("/", 1)[-1]
    if "distroless" in repo or base == "scratch":
        return set()
    # Alpine's busybox has wget; curl only where the image adds it (nginx's Alpine tags
    # do, node's do not), so only bases whose Dockerfiles were read are judged.
    if (base == "node" and "alpine" in tag) or base in ("alpine", "busybox", "caddy") or repo.startswith(("prom/", "quay.io/prometheus/")):
        return {"wget", "sh"}
    if base in ("node", "python") and "slim" in tag:
        return {"sh"}
    if base == "node" and (tag in ("", "latest", "lts", "current") or re.fullmatch(r"\d+(\.\d+)*(-(bookworm|bullseye|buster|trixie))?", tag)):
        return {"curl", "wget", "sh"}
    return None


def _problem(test: Any, ships: set[str]) -> str | None:
    if isinstance(test, str) or (isinstance(test, list) and test and test[0] == "CMD-SHELL"):
        command = test if isinstance(test, str) else " ".join(str(t) for t in test[1:])
        if "sh" not in ships:
            return "the check needs a shell, and there is none in"
        used = set(PROBE_WORD.findall(command))
        missing = sorted(used - ships)
        return f"the check runs {missing[0]}, which is not in" if missing and not used & ships else None
    if isinstance(test, list) and len(test) > 1 and test[0] == "CMD":
        binary = str(test[1]).rsplit("/", 1)[-1]
        return f"the check runs {binary}, which is not in" if binary in ("curl", "wget") and binary not in ships else None
    return None


def _hint(image: Any, ships: set[str]) -> str:
    if repository(image).rsplit("/", 1)[-1] == "node" and (major(tag_of(image)) or 18) >= 18:
        return "probe with node -e and fetch; DW201 writes one when the check is removed"
    if "wget" in ships:
        return 'use busybox wget: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:PORT/"]'
    return "run a binary the image has, or install one in its Dockerfile"


RULE = Rule(
    code=CODE,
    name="healthcheck-probe-missing-from-image",
    phase=2,
    kind="compose",
    applicability=Applicability.DISPLAY,
    title="Report healthchecks that call curl/wget/sh where the image has none",
    check=check,
    doc=__doc__ or "",
)
