"""The compose half of DW104: top-level ``secrets:`` fed from the environment, the
service's ``secrets:`` list, and the service's now-useless ``environment:`` entries."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import add_missing, append_items, remove_entry, remove_item, join_insertions
from dockwright.edits import Edit
from dockwright.fixes import DELETE, Change
from dockwright.transforms._monitoring import spaced_top_level


@dataclass(frozen=True)
class Wiring:
    edits: tuple[Edit, ...] = ()
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()
    reason: str | None = None


@dataclass
class _Draft:
    edits: list[Edit] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def secret_source(variable: str, name: str, source: str) -> dict[str, str]:
    return {"file": f"./secrets/{name}"} if source == "file" else {"environment": variable}


def wire_secrets(doc: YamlDocument, service: compose.Service, secrets: dict[str, str], *, source: str) -> Wiring:
    """``secrets`` maps secret name -> environment variable."""
    if service.node.shared or doc.target(service.node).shared:
        return Wiring(reason=f"service {service.name} is defined by an anchor that other services use")
    draft = _Draft()
    # The service's list comes first: when both insert at the end of the file, the
    # nested entry must precede the new top-level key.
    reason = _attach(doc, service, list(secrets), draft) or _declare(doc, secrets, source, draft)
    if reason:
        return Wiring(reason=reason)
    _drop_environment(doc, service, set(secrets.values()), draft)
    return Wiring(join_insertions(draft.edits), tuple(draft.changes), tuple(draft.notes))


def _declare(doc: YamlDocument, secrets: dict[str, str], source: str, draft: _Draft) -> str | None:
    declared = (doc.plain or {}).get("secrets") or {}
    if not isinstance(declared, dict):
        return "the top-level secrets: is not a mapping"
    wanted: dict[str, Any] = {}
    for name, variable in secrets.items():
        existing = declared.get(name)
        if existing is None:
            wanted[name] = secret_source(variable, name, source)
        elif existing != {"environment": variable} and not (isinstance(existing, dict) and "file" in existing):
            return f"a top-level secret {name} already exists with another source"
    if not wanted:
        return None
    addition = add_missing(doc, doc.root, (), doc.plain, {"secrets": wanted})
    if addition.reason:
        return addition.reason
    fresh = "secrets" not in (doc.plain or {})
    draft.edits.extend(spaced_top_level(doc, e) if fresh else e for e in addition.edits)
    draft.changes.extend(Change(p, v) for p, v in addition.changes)
    return None


def _attach(doc: YamlDocument, service: compose.Service, names: list[str], draft: _Draft) -> str | None:
    path = ("services", service.name)
    existing = service.data.get("secrets") or []
    if not isinstance(existing, list):
        return f"services.{service.name}.secrets is not a list"
    listed = {s if isinstance(s, str) else s.get("source") for s in existing if isinstance(s, (str, dict))}
    missing = [n for n in names if n not in listed]
    if not missing:
        return None
    found = doc.lookup(service.node, "secrets")
    if found is None or not found[1].is_sequence or not found[2]:
        addition = add_missing(doc, service.node, path, service.data, {"secrets": missing})
        if addition.reason:
            return addition.reason
        draft.edits.extend(addition.edits)
        draft.changes.extend(Change(p, v) for p, v in addition.changes)
        return None
    draft.edits.append(append_items(doc, found[1], missing))
    draft.changes.append(Change((*path, "secrets"), [*existing, *missing]))
    return None


def _passes_through(entry: Any, value: Any, variable: str) -> bool:
    """``VAR=${VAR}``, ``VAR: $VAR``, a bare ``VAR``: the service only re-exports it."""
    if value is None:
        return True
    return isinstance(value, str) and re.fullmatch(rf"\$\{{{variable}\}}|\${variable}", value) is not None


def _drop_environment(doc: YamlDocument, service: compose.Service, variables: set[str], draft: _Draft) -> None:
    found = doc.lookup(service.node, "environment")
    data = service.data.get("environment")
    if found is None or not isinstance(data, (list, dict)):
        return
    if not found[2] or found[1].shared:
        draft.notes.append(f"{service.name}: environment comes from an anchor; remove {', '.join(sorted(variables))} there")
        return
    entries = list(data.items()) if isinstance(data, dict) else [tuple(str(i).split("=", 1)) + ((None,) if "=" not in str(i) else ()) for i in data]
    doomed = [i for i, (name, value) in enumerate(entries) if name in variables and _passes_through(name, value, name)]
    for name, value in entries:
        if name in variables and not _passes_through(name, value, name):
            how = "comes from another expression" if "$" in str(value) else "is set to a fixed value"
            draft.notes.append(f"{service.name}: environment {name} {how} in the compose file; it is left alone (set {name} in the shell or .env instead)")
    if not doomed:
        return
    path = ("services", service.name, "environment")
    if len(doomed) == len(entries):
        edit = remove_entry(doc, doc.target(service.node), "environment")
        if edit is not None:
            draft.edits.append(edit)
            draft.changes.append(Change(path, DELETE))
        return
    _drop_some(doc, found[1], data, entries, doomed, path, draft)


def _drop_some(doc: YamlDocument, node: Any, data: Any, entries: list[tuple[Any, ...]], doomed: list[int], path: tuple[Any, ...], draft: _Draft) -> None:
    edits = [remove_entry(doc, node, entries[i][0]) if isinstance(data, dict) else remove_item(doc, node, i) for i in doomed]
    if any(e is None for e in edits):
        draft.notes.append(f"{path[1]}: could not cut the environment entries cleanly; remove them by hand")
        return
    draft.edits.extend(e for e in edits if e is not None)
    if isinstance(data, dict):
        draft.changes.extend(Change((*path, entries[i][0]), DELETE) for i in doomed)
    else:
        draft.changes.append(Change(path, [item for i, item in enumerate(data) if i not in doomed]))
