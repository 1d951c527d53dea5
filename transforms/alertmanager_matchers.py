"""Rewrite deprecated Alertmanager `match`/`match_re` (and the inhibit `source_match`/`target_match` forms) as matchers.

## What it does
In every route of the routing tree, `match: {label: value}` becomes
`matchers: ['label="value"']` and `match_re: {label: regex}` becomes
`matchers: ['label=~"regex"']`. In inhibit rules, `source_match`/`source_match_re` become
`source_matchers` and `target_match`/`target_match_re` become `target_matchers`. Values
are quoted and escaped (`\\`, `"`, newlines) for the matcher syntax; regexes are kept as
written, since both forms are anchored the same way. Entries already written as
matchers are kept and the converted ones are appended.

## Why
`match`, `match_re`, `source_match*` and `target_match*` are deprecated since
Alertmanager 0.22 and log a warning on every load; the matchers syntax is the one the
docs, `amtool` and the UI use, and the only one that supports `!=` and `!~`.

## Example
```yaml
# before
route:
  routes:
    - match:
        severity: critical
      receiver: oncall
# after
route:
  routes:
    - matchers:
        - 'severity="critical"'
      receiver: oncall
```

## Fix safety
Safe: the same alerts match. Label names that the classic syntax cannot write unquoted,
entries that come from anchors, and non-string keys are reported and left alone.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._monitoring_matchers import convert

CODE = "DW230"
ROUTE_KEYS = {"match": False, "match_re": True}
INHIBIT_KEYS = {
    "source_matchers": {"source_match": False, "source_match_re": True},
    "target_matchers": {"target_match": False, "target_match_re": True},
}


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    route = doc.get(doc.root, "route")
    if route is not None and route.is_mapping:
        yield from _routes(doc, route, ("route",))
    inhibit = doc.get(doc.root, "inhibit_rules")
    if inhibit is not None and inhibit.is_sequence:
        for index, rule in enumerate(inhibit.items):
            if doc.target(rule).is_mapping:
                for target_key, sources in INHIBIT_KEYS.items():
                    yield from convert(doc, doc.target(rule), ("inhibit_rules", index), target_key, sources, code=CODE)


def _routes(doc: YamlDocument, route: Occurrence, path: tuple[Any, ...]) -> Iterator[Fix | Notice]:
    yield from convert(doc, route, path, "matchers", ROUTE_KEYS, code=CODE)
    children = doc.get(route, "routes")
    if children is None or not children.is_sequence:
        return
    for index, child in enumerate(children.items):
        if doc.target(child).is_mapping:
            yield from _routes(doc, doc.target(child), (*path, "routes", index))


RULE = Rule(
    code=CODE,
    name="alertmanager-deprecated-match",
    phase=2,
    kind="alertmanager",
    applicability=Applicability.SAFE,
    title="Rewrite match/match_re as matchers",
    check=check,
    doc=__doc__ or "",
)
