"""Let a compose service join networks of other projects: top-level ``external: true``
networks under their real names, and the service's ``networks:`` (keeping ``default``)."""
from __future__ import annotations

import re
from typing import Any

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument, add_missing, append_items
from dockwright.fixes import Change
from dockwright.transforms._monitoring import merge_insertions, spaced_top_level
from dockwright.transforms._monitoring_secrets import Wiring


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
    edits, changes = [], []
    joined = service.data.get("networks")
    path = ("services", service.name)
    missing = [k for k in keys.values() if not (isinstance(joined, (list, dict)) and k in joined)]
    if isinstance(joined, list) and missing:
        found = doc.lookup(service.node, "networks")
        if found is None or not found[2] or not found[1].is_sequence:
            return Wiring(reason=f"the networks of {service.name} come from an anchor")
        edits.append(append_items(doc, found[1], missing))
        changes.append(Change((*path, "networks"), [*joined, *missing]))
    elif missing:
        wanted = {k: {} for k in missing} if isinstance(joined, dict) else ["default", *missing]
        addition = add_missing(doc, service.node, path, service.data, {"networks": wanted})
        if addition.reason:
            return Wiring(reason=addition.reason)
        edits.extend(addition.edits)
        changes.extend(Change(p, v) for p, v in addition.changes)
    new = {keys[n]: {"external": True, "name": n} for n in names if keys[n] not in declared}
    if new:
        addition = add_missing(doc, doc.root, (), data, {"networks": new})
        if addition.reason:
            return Wiring(reason=addition.reason)
        edits.extend(spaced_top_level(doc, e) if "networks" not in data else e for e in addition.edits)
        changes.extend(Change(p, v) for p, v in addition.changes)
    return Wiring(tuple(merge_insertions(edits)), tuple(changes))
