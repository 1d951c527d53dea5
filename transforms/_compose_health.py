"""Whether a service has a healthcheck, and the one to add: probe plus per-family timing.

The probe comes from _compose_probes (binaries the image is known to ship); a check
that cannot run reports unhealthy forever and `depends_on: service_healthy` then
blocks the stack, so an unknown image gets a reason instead of a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.transforms._compose import command_text
from dockwright.transforms._compose_dockerfile import DockerfileFacts, dockerfile_path, read_facts
from dockwright.transforms._compose_probes import Plan, image_probe

# Bare `yarn` installs too, but only as a whole command (`yarn start` does not).
INSTALL_AT_START = re.compile(r"""\b(?:npm (?:install|i|ci)|pnpm (?:install|i)|yarn install|yarn(?=\s*(?:$|&&|;|\|\||["'])))(?![\w-])""")


@dataclass(frozen=True)
class Timing:
    interval: str
    timeout: str
    retries: int
    start_period: str


TIMINGS = {
    "postgres": Timing("10s", "5s", 5, "20s"),
    "mysql": Timing("10s", "5s", 5, "30s"),
    "redis": Timing("10s", "5s", 5, "10s"),
    "mongo": Timing("10s", "5s", 5, "20s"),
    "rabbitmq": Timing("30s", "10s", 5, "30s"),
    "monitoring": Timing("30s", "5s", 3, "10s"),
    "grafana": Timing("30s", "5s", 3, "30s"),
    "web": Timing("30s", "5s", 3, "10s"),
    "node": Timing("30s", "5s", 3, "20s"),
}
SLOW_START = "300s"  # `npm install` before the server starts takes minutes


def existing(doc: YamlDocument, service: dict[str, Any], context: Any) -> bool | None:
    """True: a check runs (compose or Dockerfile); False: disabled; None: no check at all."""
    service = _resolved(doc, service)
    check = service.get("healthcheck")
    if isinstance(check, dict):
        test = check.get("test")
        if check.get("disable") is True or test == ["NONE"] or test == "NONE":
            return False
        return True  # settings without `test` tune the image's own HEALTHCHECK
    return _from_dockerfile(doc, service, context)


def extends_other_file(service: dict[str, Any]) -> bool:
    """`extends: {file: ...}`: what the service inherits is in a file this run may not read."""
    extends = service.get("extends")
    return isinstance(extends, dict) and "file" in extends


def _resolved(doc: YamlDocument, service: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """The service with what `extends` (same file) brings in, for the presence test."""
    base = compose.extended_service(doc, service)  # same file only: another file's check is unknown here
    if base is None or depth > 5:
        return service
    return {**_resolved(doc, base, depth + 1), **service}


def _from_dockerfile(doc: YamlDocument, service: dict[str, Any], context: Any) -> bool | None:
    facts = dockerfile_facts(doc, service, context)
    return facts.healthcheck if facts is not None else None


def dockerfile_facts(doc: YamlDocument, service: dict[str, Any], context: Any) -> DockerfileFacts | None:
    if "build" not in service or context is None:
        return None
    build = service["build"]
    if isinstance(build, dict) and isinstance(build.get("dockerfile_inline"), str):
        return read_facts(build["dockerfile_inline"])
    path = dockerfile_path(doc.path, build)
    if path is None:
        return None
    loaded = context.project.document(path)
    text = getattr(loaded, "text", None) if loaded is not None else context.project.read_text(path)
    return read_facts(text) if isinstance(text, str) else None


def plan(doc: YamlDocument, name: str, service: dict[str, Any], context: Any) -> Plan:
    options = (context.options.get("services", {}) or {}).get(name, {}) if context else {}
    configured = options.get("test")
    if isinstance(configured, (list, str)) and configured:
        return _with_timing(Plan("configured", {"test": configured}), TIMINGS["node"], options, service)
    facts = dockerfile_facts(doc, service, context)
    image = facts.base if facts is not None and facts.base else service.get("image")
    if isinstance(image, str) and "$" in image:
        return Plan(reason=f"the image {image} comes from a variable; the tool cannot tell what it contains")
    found = image_probe(name, service, image if isinstance(image, str) else "", facts, options)
    if found.healthcheck is None:
        return found
    return _with_timing(found, TIMINGS[found.family], options, service)


def _with_timing(found: Plan, timing: Timing, options: dict[str, Any], service: dict[str, Any]) -> Plan:
    start = SLOW_START if INSTALL_AT_START.search(command_text(service)) else timing.start_period
    check = {**(found.healthcheck or {}), "interval": timing.interval, "timeout": timing.timeout, "retries": timing.retries, "start_period": start}
    check.update({k: options[k] for k in ("interval", "timeout", "retries", "start_period") if k in options})
    return Plan(found.family, check, None)
