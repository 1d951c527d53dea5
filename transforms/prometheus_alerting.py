"""Point Prometheus at the Alertmanager of its compose project when it has no `alerting:` block.

## What it does
When a Prometheus config that a compose service mounts has no `alerting.alertmanagers`
while the same compose project runs an Alertmanager service, adds
`alerting.alertmanagers[0].static_configs[0].targets: [<service>:9093]` (the port comes
from the service's `--web.listen-address`, 9093 by default).

## Why
Without an `alerting:` block Prometheus evaluates alert rules and sends the alerts
nowhere: the Alertmanager beside it never hears of them, and nothing says so.

## Example
```yaml
# prometheus.yml, before
rule_files:
  - alert.rules.yml
# after
rule_files:
  - alert.rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets:
            - alertmanager:9093
```

## Fix safety
Safe: it only adds a destination for alerts that were being dropped. Files that
already name any Alertmanager are left alone, as is a project without an Alertmanager
service or with more than one.

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_missing
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._monitoring import runners, spaced_top_level
from dockwright.transforms._monitoring_ports import same_project

CODE = "DW221"


def check(project: Any, context: Any) -> Iterator[Fix | Notice]:
    for doc in project.documents("prometheus"):
        data = doc.plain if isinstance(doc.plain, dict) else {}
        alerting = data.get("alerting")
        if isinstance(alerting, dict) and alerting.get("alertmanagers"):
            continue
        running = runners(project, doc.path, "prometheus")
        if not running:
            continue
        found = _alertmanagers(project, running[0].doc)
        if len(found) == 1:
            yield from _add_alerting(doc, data, found[0])


def _alertmanagers(project: Any, compose_doc: YamlDocument) -> list[str]:
    addresses: set[str] = set()
    for doc in project.documents("compose"):
        if not same_project(doc, compose_doc):
            continue
        for service in compose.services(doc):
            if compose.image_name(service.data.get("image")) == "alertmanager":
                addresses.add(f"{service.name}:{_listen_port(service.data)}")
    return sorted(addresses)


def _listen_port(service: dict[str, Any]) -> int:
    command = service.get("command")
    text = " ".join(map(str, command)) if isinstance(command, list) else str(command or "")
    match = re.search(r"--web\.listen-address[= ]\S*:(\d+)", text)
    return int(match.group(1)) if match else 9093


def _add_alerting(doc: YamlDocument, data: dict[str, Any], address: str) -> Iterator[Fix | Notice]:
    if doc.root is None or not doc.root.is_mapping:
        return
    wanted = {"alerting": {"alertmanagers": [{"static_configs": [{"targets": [address]}]}]}}
    addition = add_missing(doc, doc.root, (), data, wanted)
    if addition.reason or not addition.edits:
        yield Notice(CODE, f"alerting block not added: {addition.reason or 'alerting.alertmanagers is present but empty'}", 0, file=doc.path)
        return
    changes = tuple(Change(p, v) for p, v in addition.changes)
    edits = tuple(spaced_top_level(doc, e) for e in addition.edits) if "alerting" not in data else addition.edits
    yield Fix(CODE, f"send alerts to {address} (no alerting: block)", edits, changes, addition.edits[0].start, file=doc.path)


RULE = Rule(
    code=CODE,
    name="prometheus-without-alertmanager",
    phase=2,
    kind="project",
    applicability=Applicability.SAFE,
    title="Add an alerting block pointing at the project's Alertmanager",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("prometheus", "compose")},
)
