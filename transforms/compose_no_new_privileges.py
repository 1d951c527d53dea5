"""Add `security_opt: ["no-new-privileges:true"]` to every service.

## What it does
Adds `security_opt: ["no-new-privileges:true"]` to each service that lacks it, in
every environment; a service with another `security_opt` list gets the item
appended.

## Why
`no-new-privileges` stops a process in the container from gaining privileges through
setuid/setgid binaries or file capabilities, which closes the usual path from a code
execution bug to root inside the container (the audit's FIXES #9).

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
    security_opt: ["no-new-privileges:true"]
```

## Fix safety
Safe for images that start as root and drop privileges with gosu/su-exec (postgres,
redis, mysql, mariadb, mongo, rabbitmq, nginx), for images that run as a fixed user
(prom/*, grafana, Node apps), and for everything that does not call setuid binaries
at run time. It breaks images that do: those using `sudo`/`su` to gain root
(jupyter/* and quay.io/jupyter/* with `GRANT_SUDO`, codercom/code-server's `fixuid`
and `sudo`) and those relying on file capabilities for a non-root user
(louislam/uptime-kuma and smokeping images run `ping`). The fix skips these images,
services whose command or entrypoint calls `sudo` or `su`, `privileged: true`
services (which have every privilege anyway), and any service that sets
`no-new-privileges` already, to either value.

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_entries, append_items, style_of
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import command_text, raw, repository, shared_service

CODE = "DW240"
OPTION = "no-new-privileges:true"
SETUID_IMAGES = re.compile(r"^(quay\.io/)?jupyter/|^codercom/code-server$|uptime-kuma$|smokeping$")
SUDO = re.compile(r"\b(sudo|su)\b\s")


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        reason = _skip_reason(service.data)
        if reason == "":
            continue
        path = ("services", service.name)
        if reason is not None:
            yield Notice(CODE, f"{service.name}: no-new-privileges not added: {reason}", service.key.start, path, severity="info")
            continue
        if shared_service(doc, service):
            yield Notice(CODE, f"{service.name}: the service is an anchor other services use; add security_opt there", service.key.start, path)
            continue
        yield from _add(doc, service, path)


def _skip_reason(service: dict[str, Any]) -> str | None:
    """None: add it; "": nothing to do; text: why the service is skipped."""
    options = service.get("security_opt")
    if isinstance(options, list) and any(str(o).replace("=", ":").startswith("no-new-privileges") for o in options):
        return ""
    if service.get("privileged") is True:
        return ""
    if SETUID_IMAGES.search(repository(service.get("image"))):
        return f"image {service.get('image')} uses setuid binaries (sudo, su or ping) at run time"
    if any(SUDO.search(command_text(service, key) + " ") for key in ("command", "entrypoint")):
        return "its command calls sudo or su"
    return None


def _add(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...]) -> Iterator[Fix | Notice]:
    current = service.data.get("security_opt")
    found = doc.lookup(service.node, "security_opt")
    if found is None:
        mapping = doc.target(service.node)
        edit = add_entries(doc, mapping, {"security_opt": raw(f'["{OPTION}"]')}, style_of(doc, mapping))
        yield Fix(CODE, f"{service.name}: add security_opt no-new-privileges", (edit,), (Change((*path, "security_opt"), [OPTION]),), service.key.start, path)
        return
    _key, value, owned = found
    if not owned or value.shared or not value.is_sequence or not isinstance(current, list):
        yield Notice(CODE, f"{service.name}: security_opt comes from an anchor or is not a list; add {OPTION} there", value.start, path)
        return
    edit = append_items(doc, value, [OPTION])
    yield Fix(CODE, f"{service.name}: add no-new-privileges to security_opt", (edit,), (Change((*path, "security_opt"), [*current, OPTION]),), service.key.start, path)


RULE = Rule(
    code=CODE,
    name="services-without-no-new-privileges",
    phase=2,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Add security_opt no-new-privileges:true",
    check=check,
    doc=__doc__ or "",
)
