"""Make `depends_on` wait for a dependency's healthcheck.

## What it does
Rewrites the short (list) form of `depends_on` into the long form, with
`condition: service_healthy` for every dependency that has a healthcheck (in the
service, through `<<:`, or from its Dockerfile's `HEALTHCHECK`) and
`condition: service_started` for the others. A flow list becomes a flow mapping;
existing long-form entries are left exactly as they are. A list where no dependency
has a healthcheck is left as it is: its long form would only say `service_started`,
which is what the list already means.

When DW201 runs in the same invocation and will add a healthcheck to a dependency,
the rewrite waits for the pass after it, so the condition is `service_healthy`
instead of a `service_started` that would then be kept forever.

## Why
The list form only waits for the dependency's container to be *created*: the web
app starts while Postgres is still initialising and fails its first queries.
`service_healthy` makes Compose wait until the dependency's check passes.

## Example
```yaml
# before
services:
  web:
    image: example/web:1.0
    depends_on:
      - db
      - mailer
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
  mailer:
    image: example/mailer:1.2
# after
services:
  web:
    image: example/web:1.0
    depends_on:
      db:
        condition: service_healthy
      mailer:
        condition: service_started
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
  mailer:
    image: example/mailer:1.2
```

## Fix safety
Safe: the dependant now starts later (once its dependencies are healthy), which is
the point. A dependency whose check is disabled, missing, or defined in another file
gets `service_started`, so Compose never waits for a check that does not exist.
Lists that arrive through a merge key or an alias, lists with aliases, duplicates or
names from variables (Compose interpolates list items but not mapping keys), and flow
lists with comments inside are reported, not rewritten.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.documents.yaml_edits import render_flow
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._compose import shared_service, suppressed
from dockwright.transforms._compose_health import existing, extends_other_file, plan

CODE = "DW202"
HEALTHY, STARTED, PENDING = "service_healthy", "service_started", None


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    for service in compose.services(doc):
        found = doc.lookup(service.node, "depends_on")
        if found is None or not found[1].is_sequence or not found[1].items:
            continue
        path = ("services", service.name, "depends_on")
        key, value, owned = found
        names = [item.value for item in value.items if item.is_scalar and not item.alias]
        if not owned or value.shared or len(names) != len(value.items) or len(set(names)) != len(names):
            yield Notice(CODE, f"{service.name}: depends_on comes from an anchor or holds aliases or duplicates; rewrite it to the long form by hand", key.start, path)
            continue
        if any("$" in str(name) for name in names):  # Compose interpolates list items, never mapping keys
            yield Notice(CODE, f"{service.name}: depends_on names a service through a variable; the long form cannot", key.start, path)
            continue
        conditions = {name: _condition(doc, str(name), context) for name in names}
        if PENDING in conditions.values():
            continue  # DW201 adds the dependency's check in this pass; decide in the next
        if HEALTHY not in conditions.values():
            continue  # the long form with only service_started means what the list means: no churn
        yield from _rewrite(doc, service.name, key, value, conditions, path)


def _condition(doc: YamlDocument, name: str, context: Any) -> str | None:
    dependency = ((doc.plain or {}).get("services") or {}).get(name)
    if not isinstance(dependency, dict) or extends_other_file(dependency):
        return STARTED  # (partly) defined in another file: its check is unknown here
    has = existing(doc, dependency, context)
    if has is not None:
        return HEALTHY if has else STARTED
    if "DW201" not in getattr(context, "selected", ()) or suppressed(doc, ("services", name), "DW201"):
        return STARTED
    target = next((s for s in compose.services(doc) if s.name == name), None)
    if target is None or shared_service(doc, target) or plan(doc, name, dependency, context).healthcheck is None:
        return STARTED
    return PENDING


def _rewrite(doc: YamlDocument, name: str, key: Occurrence, value: Occurrence, conditions: dict[Any, str], path: tuple[Any, ...]) -> Iterator[Fix | Notice]:
    if value.flow:
        if "#" in doc.text[value.start : value.end]:
            yield Notice(CODE, f"{name}: depends_on is a flow list with comments inside; rewrite it by hand", key.start, path)
            return
        edits: tuple[Edit, ...] = (_flow_edit(doc, value, conditions),)
    else:
        block = _block_edits(doc, key, value, conditions)
        if block is None:
            yield Notice(CODE, f"{name}: depends_on items share lines with other text; rewrite it by hand", key.start, path)
            return
        edits = block
    data = {dep: {"condition": condition} for dep, condition in conditions.items()}
    healthy = [str(d) for d, c in conditions.items() if c == HEALTHY]
    waits = f"waits for {', '.join(healthy)} to be healthy" if healthy else "uses the long form (no dependency has a healthcheck)"
    yield Fix(CODE, f"{name}: depends_on {waits}", edits, (Change(path, data),), key.start, path)


def _flow_edit(doc: YamlDocument, value: Occurrence, conditions: dict[Any, str]) -> Edit:
    entries = [f"{doc.text[item.start:item.end]}: {render_flow({'condition': conditions[item.value]})}" for item in value.items]
    return Edit(value.start, value.end, "{" + ", ".join(entries) + "}")


def _block_edits(doc: YamlDocument, key: Occurrence, value: Occurrence, conditions: dict[Any, str]) -> tuple[Edit, ...] | None:
    """One edit per item, so comment lines between items stay where they are."""
    step = doc.indent_step()
    key_column = doc.column_of(key.start) - 1
    edits: list[Edit] = []
    for item in value.items:
        dash = doc.text.rfind("-", 0, item.start)
        line_start = doc.text.rfind("\n", 0, dash) + 1
        if doc.text[line_start:dash].strip() or doc.text[dash + 1 : item.start].strip():
            return None
        dash_column = dash - line_start
        column = dash_column if dash_column > key_column else key_column + step
        fragment = f"{' ' * column}{doc.text[item.start:item.end]}:\n{' ' * (column + step)}condition: {conditions[item.value]}"
        edits.append(Edit(line_start, item.end, doc.source.with_newlines(fragment)))
    return tuple(edits)


RULE = Rule(
    code=CODE,
    name="depends-on-without-health-condition",
    phase=2,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Make depends_on wait for service_healthy",
    check=check,
    doc=__doc__ or "",
)
