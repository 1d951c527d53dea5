"""Report Prometheus `rule_files` that the Prometheus container does not mount.

## What it does
For a Prometheus config that a compose service mounts, resolves each `rule_files` entry
the way Prometheus does (relative to the config file's folder inside the container) and
reports the entries that no bind mount of that service provides.

## Why
Prometheus silently loads zero rules from a glob that matches nothing, and fails at
start for a plain file name that is missing. Either way the alert rules in the
repository never run, and `promtool check config` on the host does not notice,
because there the file is right beside the config.

## Example
```yaml
# docker-compose.yml: only the config is mounted
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml
# prometheus.yml
rule_files:
  - alert.rules.yml   # reported: /etc/prometheus/alert.rules.yml is not mounted
```

## Fix safety
Report only: which host file should be mounted where is a decision for a person.

## Options
None.
"""
from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath
from typing import Any, Iterator

from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._monitoring import bind_mounts, runners

CODE = "DW222"


def check(project: Any, context: Any) -> Iterator[Fix | Notice]:
    for doc in project.documents("prometheus"):
        entries = (doc.plain or {}).get("rule_files") if isinstance(doc.plain, dict) else None
        running = runners(project, doc.path, "prometheus")
        if not isinstance(entries, list) or not running:
            continue
        runner = running[0]
        folder = PurePosixPath(runner.container_path).parent
        targets = [t for _, t in bind_mounts(runner.service.data)]
        sequence = doc.get(doc.root, "rule_files")
        for index, entry in enumerate(entries):
            if not isinstance(entry, str) or _mounted(folder / entry, targets):
                continue
            offset = sequence.items[index].start if sequence is not None and index < len(sequence.items) else 0
            message = f"rule_files: {entry} resolves to {folder / entry} in the {runner.service.name} container, which no volume of the service mounts; its rules never load"
            yield Notice(CODE, message, offset, ("rule_files", index), file=doc.path)


def _mounted(path: PurePosixPath, targets: list[str]) -> bool:
    """A mount at the path, at a folder above it, or a mounted file the glob matches."""
    for target in targets:
        mounted = PurePosixPath(target)
        if mounted == path or mounted in path.parents or fnmatch.fnmatchcase(str(mounted), str(path)):
            return True
        if any(ch in str(path) for ch in "*?[") and mounted in PurePosixPath(str(path)).parents:
            return True
    return False


RULE = Rule(
    code=CODE,
    name="prometheus-rule-files-not-mounted",
    phase=2,
    kind="project",
    applicability=Applicability.DISPLAY,
    title="Report rule_files the Prometheus container does not mount",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("prometheus", "compose")},
)
