"""apk and pip: do not keep the package cache in the image.

## What it does
- DW255 adds `--no-cache` right after `apk add`.
- DW256 adds `--no-cache-dir` right after `pip install` (also `pip3`, `python -m pip`).

## Why
`apk add` keeps the index it downloads in `/var/cache/apk` (hadolint DL3019) and pip
keeps every wheel it downloads in `~/.cache/pip` (DL3042). Neither is used at run time,
and both stay in the layer for good.

## Example
EXAMPLE

## Fix safety
Safe: the caches only speed up a later install in the same layer. A RUN with a cache
mount (`--mount=type=cache`) keeps its cache on purpose and is left alone, as are
stages that set `PIP_NO_CACHE_DIR`, RUNs that already clean `/var/cache/apk`,
heredoc bodies and exec-form RUNs.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents.dockerfile import DockerfileDocument
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._dockerfile import fix_at
from dockwright.transforms._dockerfile_run import find

APK_ADD = r"apk\s+(?:-\S+\s+)*add\b"
PIP_INSTALL = r"(?:python[\d.]*\s+-m\s+)?pip[\d.]*\s+(?:-\S+\s+)*install\b"


def apk_no_cache(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    for found in find(doc, APK_ADD):
        if found.has("--no-cache") or "/var/cache/apk" in found.instruction.args.text:
            continue
        edit = found.insert_after_verb(" --no-cache")
        yield fix_at("DW255", "apk add: add --no-cache", found.instruction, (edit,))


def pip_no_cache(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    for found in find(doc, PIP_INSTALL):
        if found.has("--no-cache-dir") or _pip_cache_off(doc, found.instruction.stage):
            continue
        edit = found.insert_after_verb(" --no-cache-dir")
        yield fix_at("DW256", "pip install: add --no-cache-dir", found.instruction, (edit,))


def _pip_cache_off(doc: DockerfileDocument, stage: int) -> bool:
    return any(i.keyword in ("ENV", "ARG") and "PIP_NO_CACHE_DIR" in i.args.text for i in doc.instructions if i.stage in (stage, -1))


EXAMPLES = {
    "DW255": ("FROM node:20-alpine", "RUN apk add --update python3 make g++", "RUN apk add --no-cache --update python3 make g++"),
    "DW256": ("FROM python:3.12-slim", "RUN pip install -r requirements.txt", "RUN pip install --no-cache-dir -r requirements.txt"),
}


def _doc(code: str) -> str:
    base, before, after = EXAMPLES[code]
    example = f"```dockerfile\n# before\n{base}\n{before}\n# after\n{base}\n{after}\n```"
    return (__doc__ or "").replace("EXAMPLE", example)


RULES = [
    Rule(
        code="DW255",
        name="dockerfile-apk-cache-kept",
        phase=2,
        kind="dockerfile",
        applicability=Applicability.SAFE,
        title="Run apk add with --no-cache",
        check=apk_no_cache,
        doc=_doc("DW255"),
    ),
    Rule(
        code="DW256",
        name="dockerfile-pip-cache-kept",
        phase=2,
        kind="dockerfile",
        applicability=Applicability.SAFE,
        title="Run pip install with --no-cache-dir",
        check=pip_no_cache,
        doc=_doc("DW256"),
    ),
]
