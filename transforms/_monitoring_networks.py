"""Wire a scraper (Prometheus) into compose: join networks of other projects (top-level
``external: true`` networks under their real names, keeping ``default``), and map
``host.docker.internal`` to the host gateway for services on the host network."""
from __future__ import annotations

import re
from typing import Any

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_missing, append_items, join_insertions
from dockwright.fixes import Change
from dockwright.transforms._monitoring import spaced_top_level
from dockwright.transforms._monitoring_secrets import Wiring

HOST_ENTRY = "host.docker.internal:host-gateway"


def _keys_for(declared: dict[str, Any], names: list[str]) -> dict[str, str]:
    """Network key per real name: an external network already declared, or a new key."""
    keys: dict[str, str] = {}
    for name in names:
        existing = next((k for k, v in declared.items() if isinstance(v, dict) and v.get("external") and v.get("name", k) == name), None)
        key = existing or (name if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) else "external_network")
        while existing is None and key in declared:
            key += "_ext"
        keys[name] = key
    return keys


def join_networks(doc: YamlDocument, service: compose.Service, names: list[str]) -> Wiring:
    data = doc.plain if isinstance(doc.plain, dict) else {}
    declared = data.get("networks") if isinstance(data.get("networks"), dict) else {}
    if data.get("networks") not in (None, {}) and not declared:
        return Wiring(reason="the top-level networks: is not a mapping")
    if service.node.shared or doc.target(service.node).shared:
        return Wiring(reason=f"service {service.name} is defined by an anchor that other services use")
    keys = _keys_for(declared, names)
    joined = _join(doc, service, list(keys.values()))
    if joined.reason:
        return joined
    new = {keys[n]: {"external": True, "name": n} for n in names if keys[n] not in declared}
    if not new:
        return joined
    addition = add_missing(doc, doc.root, (), data, {"networks": new})
    if addition.reason:
        return Wiring(reason=addition.reason)
    edits = [*joined.edits, *(spaced_top_level(doc, e) if "networks" not in data else e for e in addition.edits)]
    return Wiring(join_insertions(edits), (*joined.changes, *(Change(p, v) for p, v in addition.changes)))


def _join(doc: YamlDocument, service: compose.Service, keys: list[str]) -> Wiring:
    """The service's own ``networks:`` gains ``keys`` (and keeps ``default``)."""
    joined = service.data.get("networks")
    path = ("services", service.name)
    missing = [k for k in keys if not (isinstance(joined, (list, dict)) and k in joined)]
    if not missing:
        return Wiring()
    if isinstance(joined, list):
        found = doc.lookup(service.node, "networks")
        if found is None or not found[2] or not found[1].is_sequence:
            return Wiring(reason=f"the networks of {service.name} come from an anchor")
        return Wiring((append_items(doc, found[1], missing),), (Change((*path, "networks"), [*joined, *missing]),))
    wanted = {k: {} for k in missing} if isinstance(joined, dict) else ["default", *missing]
    addition = add_missing(doc, service.node, path, service.data, {"networks": wanted})
    if addition.reason:
        return Wiring(reason=addition.reason)
    return Wiring(addition.edits, tuple(Change(p, v) for p, v in addition.changes))


def wire_scraper(doc: YamlDocument, service: compose.Service, networks: list[str], gateway: bool) -> Wiring | None:
    """The compose edits: extra_hosts for the host gateway, external networks."""
    if not networks and not gateway:
        return None
    parts = [_extra_host(doc, service)] if gateway else []
    parts += [join_networks(doc, service, networks)] if networks else []
    failed = next((p for p in parts if p.reason), None)
    if failed is not None:
        return failed
    if not any(p.edits for p in parts):
        return None
    edits = list(join_insertions([e for p in parts for e in p.edits]))
    return Wiring(tuple(edits), tuple(c for p in parts for c in p.changes))


def _extra_host(doc: YamlDocument, service: compose.Service) -> Wiring:
    existing = service.data.get("extra_hosts")
    path = ("services", service.name, "extra_hosts")
    if isinstance(existing, list) and any(str(h).replace("=", ":").startswith("host.docker.internal:") for h in existing):
        return Wiring()
    if isinstance(existing, dict):
        return Wiring() if "host.docker.internal" in existing else Wiring(reason="extra_hosts is a mapping; add host.docker.internal: host-gateway there")
    found = doc.lookup(service.node, "extra_hosts")
    if isinstance(existing, list) and found is not None and found[2] and found[1].is_sequence:
        return Wiring((append_items(doc, found[1], [HOST_ENTRY]),), (Change(path, [*existing, HOST_ENTRY]),))
    addition = add_missing(doc, service.node, path[:2], service.data, {"extra_hosts": [HOST_ENTRY]})
    if addition.reason:
        return Wiring(reason=f"cannot add extra_hosts: {addition.reason}")
    return Wiring(addition.edits, tuple(Change(p, v) for p, v in addition.changes))
