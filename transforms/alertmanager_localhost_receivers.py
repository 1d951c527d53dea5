"""Report Alertmanager receivers that send to `localhost` from inside a container.

## What it does
For an Alertmanager config that a compose service mounts (and that does not run with
`network_mode: host`), reports every receiver URL (`url`, `api_url`, `webhook_url`, ...)
whose host is `localhost`, `127.0.0.1` or `[::1]`, and an SMTP smarthost on those hosts.

## Why
Inside the Alertmanager container `localhost` is the container itself. A webhook on
`http://localhost:5001/` is refused on every notification, and only the Alertmanager
log says so; the alerts are lost.

## Example
```yaml
receivers:
  - name: default
    webhook_configs:
      - url: 'http://localhost:5001/webhook'   # reported: use the receiving service's name
```

## Fix safety
Report only: the receiving program may not be part of the compose project at all.

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents.alertmanager import describe
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._monitoring import runners, walk_scalars

CODE = "DW231"
LOCAL_URL = re.compile(r"^\s*https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(/|$)", re.I)
LOCAL_HOST_PORT = re.compile(r"^\s*(localhost|127\.0\.0\.1|\[::1\]):\d+\s*$", re.I)


def _local(path: tuple[Any, ...], value: Any) -> bool:
    """A receiver URL, or an SMTP smarthost, on the container's own loopback."""
    if not isinstance(value, str) or not path:
        return False
    if path[-1] in ("smarthost", "smtp_smarthost"):
        return LOCAL_HOST_PORT.match(value) is not None
    return path[0] in ("receivers", "global") and LOCAL_URL.match(value) is not None


def check(project: Any, context: Any) -> Iterator[Fix | Notice]:
    for doc in project.documents("alertmanager"):
        running = runners(project, doc.path, "alertmanager")
        if not running or str(running[0].service.data.get("network_mode") or "") == "host":
            continue
        name = running[0].service.name
        for path, _key, value in walk_scalars(doc, doc.root):
            if _local(path, value.value):
                message = f"{describe(path)} sends to {value.value.strip()}, which inside the {name} container is the container itself; use the receiving service's name"
                yield Notice(CODE, message, value.start, path, file=doc.path)


RULE = Rule(
    code=CODE,
    name="alertmanager-localhost-receiver",
    phase=2,
    kind="project",
    applicability=Applicability.DISPLAY,
    title="Report receivers that send to localhost from inside the container",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("alertmanager", "compose")},
)
