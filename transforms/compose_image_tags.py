"""Report images on `latest` or without a tag; pin them from a configured version map.

## What it does
Reports every service whose `image` has no tag or the `latest` tag (and no
`@sha256:` digest). With `--unsafe-fixes` and a version for that image in
`[tool.dockwright.DW211] versions`, rewrites the tag to that version. The tool never
invents a version. Images of services that also have `build:` name the local build's
output and are not reported. An image from a variable is reported only when its
default is `latest` (`example/api:${TAG:-latest}`), and never rewritten.

## Why
`latest` is whatever was pushed last: two hosts, or the same host after a `pull`,
run different software from the same file, and a rollback has nothing to roll back
to. A pinned tag makes deployments repeatable and upgrades deliberate.

## Example
```yaml
# before, with [tool.dockwright.DW211] versions = { "prom/prometheus" = "v2.53.0" }
services:
  prometheus:
    image: prom/prometheus:latest
# after
services:
  prometheus:
    image: prom/prometheus:v2.53.0
```

## Fix safety
Unsafe: pinning changes the software that runs when the configured version is not
what `latest` pointed to. The fix only applies versions written in the config.

## Options
```toml
[tool.dockwright.DW211.versions]
"prom/prometheus" = "v2.53.0"        # by repository as written in the file
"grafana/grafana" = "11.1.0"
redis = "7.2-alpine"                 # or by the image's last path part
```
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import quote_string
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import repository

CODE = "DW211"
LATEST_DEFAULT = re.compile(r":-?latest\}\s*$")


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    versions = (context.options if context else {}).get("versions", {}) or {}
    for service in compose.services(doc):
        image = service.data.get("image")
        if not isinstance(image, str) or "@" in image or "build" in service.data:
            continue
        if "$" in image:
            if LATEST_DEFAULT.search(image):
                yield Notice(CODE, f"{service.name}: image {image} falls back to latest when the variable is unset; give it a version default", service.key.start, ("services", service.name, "image"))
            continue
        tag = compose.image_tag(image)
        if tag not in (None, "latest"):
            continue
        path = ("services", service.name, "image")
        name = image.rsplit(":", 1)[0] if tag else image
        version = _version(versions, name)
        found = doc.lookup(service.node, "image")
        problem = f"{service.name}: image {image} is not pinned ({'latest' if tag else 'no tag'})"
        if version is None or found is None or not found[2] or found[1].shared or not found[1].is_scalar:
            yield Notice(CODE, f"{problem}; pin a version, or map it in [tool.dockwright.DW211] versions", found[1].start if found else service.key.start, path)
            continue
        yield _pin(doc, found[1], path, f"{name}:{version}", problem)


def _version(versions: dict[str, Any], name: str) -> str | None:
    for key in (name, repository(name), repository(name).rsplit("/", 1)[-1]):
        if isinstance(versions.get(key), (str, int, float)):
            return str(versions[key])
    return None


def _pin(doc: YamlDocument, occ: Any, path: tuple[Any, ...], pinned: str, problem: str) -> Fix:
    text = quote_string(pinned, occ.style) if occ.style in ("'", '"') else pinned
    return Fix(CODE, f"{problem}; pin it to {pinned}", (Edit(occ.start, occ.end, text),), (Change(path, pinned),), occ.start, path, applicability=Applicability.UNSAFE)


RULE = Rule(
    code=CODE,
    name="image-tag-not-pinned",
    phase=2,
    kind="compose",
    applicability=Applicability.UNSAFE,
    title="Pin images on latest from a configured version map",
    check=check,
    doc=__doc__ or "",
)
