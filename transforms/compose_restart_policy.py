"""Give every prod and staging service a restart policy.

## What it does
Adds `restart: unless-stopped` to each service of a prod or staging Compose file that
has neither `restart` (its own, or through a `<<:` merge key) nor
`deploy.restart_policy`.

## Why
Without a policy a container that crashes, or every container after a host reboot,
stays down until someone notices. `unless-stopped` brings services back after a crash
or a Docker restart, but respects a deliberate `docker compose stop`.

## Example
```yaml
# before
services:
  api:
    image: example/api:2.3
# after
services:
  api:
    image: example/api:2.3
    restart: unless-stopped
```

## Fix safety
Safe. One-shot services are skipped: those another service waits for with
`condition: service_completed_successfully` (a migration or seed job), since a
restart policy would run them again and again. A service defined by an anchor that
other services share is reported instead of edited. Dev files are never touched.

## Options
```toml
[tool.dockwright.DW212]
policy = "always"   # default "unless-stopped"
```
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_entries, style_of
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import shared_service

CODE = "DW212"
POLICIES = ("no", "always", "on-failure", "unless-stopped")


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    policy = str((context.options if context else {}).get("policy", "unless-stopped"))
    if policy not in POLICIES:
        yield Notice(CODE, f"[tool.dockwright.DW212] policy must be one of {', '.join(POLICIES)}", 0, (), severity="error")
        return
    one_shot = _one_shot(doc)
    for service in compose.services(doc):
        deploy = service.data.get("deploy")
        if "restart" in service.data or (isinstance(deploy, dict) and "restart_policy" in deploy) or service.name in one_shot:
            continue
        path = ("services", service.name)
        if shared_service(doc, service):
            yield Notice(CODE, f"{service.name}: the service is an anchor other services use; add restart there", service.key.start, path)
            continue
        mapping = doc.target(service.node)
        edit = add_entries(doc, mapping, {"restart": policy}, style_of(doc, mapping))
        yield Fix(CODE, f"{service.name}: add restart: {policy}", (edit,), (Change((*path, "restart"), policy),), service.key.start, path)


def _one_shot(doc: YamlDocument) -> set[str]:
    """Services another service waits for to *finish*."""
    found: set[str] = set()
    for service in compose.services(doc):
        depends = service.data.get("depends_on")
        if isinstance(depends, dict):
            found.update(str(name) for name, spec in depends.items() if isinstance(spec, dict) and spec.get("condition") == "service_completed_successfully")
    return found


RULE = Rule(
    code=CODE,
    name="services-without-restart-policy",
    phase=2,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Add restart: unless-stopped",
    check=check,
    doc=__doc__ or "",
    environments=("staging", "prod"),
)
