"""Install Node dependencies with `npm ci` when the image has the lockfile.

## What it does
Rewrites `npm install` (or `npm i`) with no package names to `npm ci` in a RUN that
comes after a COPY of the lockfile: `COPY package-lock.json ...`, `COPY package*.json
...`, or `COPY . ...` when `package-lock.json` (or `npm-shrinkwrap.json`) exists beside
the Dockerfile. `--production` and `--only=production` become `--omit=dev`.

## Why
`npm install` may resolve versions other than the lockfile's and rewrite it; `npm ci`
installs exactly what the lockfile pins, starts from an empty `node_modules`, and
fails when package.json and the lockfile disagree. Builds become reproducible.

## Example
```dockerfile
# before
COPY package.json package-lock.json ./
RUN npm install
# after
COPY package.json package-lock.json ./
RUN npm ci
```

## Fix safety
Unsafe: a build whose lockfile is out of date with package.json now fails instead of
quietly resolving new versions. Without a lockfile in the image the RUN is left alone,
with a note. `npm install <package>` is never touched.

## Options
None.
"""
from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterator

from dockwright.documents.dockerfile import DockerfileDocument, Instruction
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._dockerfile import after, fix_at
from dockwright.transforms._dockerfile_files import exists
from dockwright.transforms._dockerfile_run import find

CODE = "DW257"
NPM_INSTALL = r"npm\s+(?:-\S+\s+)*(install|i)\b"
NPM_LOCKS = ("package-lock.json", "npm-shrinkwrap.json")
PRODUCTION = re.compile(r"(?<!\S)(--production|--only=prod(?:uction)?)(?!\S)")


def check(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    for found in find(doc, NPM_INSTALL):
        words = found.command.words
        verb = next(i for i, w in enumerate(words) if w in ("install", "i"))
        if any(not w.startswith("-") for w in words[verb + 1 :]):
            continue  # `npm install express`: adding a package is not a lockfile install
        instruction = found.instruction
        if not _lockfile_copied(doc, context, instruction):
            yield Notice(CODE, "npm install stays: no package-lock.json is copied into the image before it, so npm ci would fail", instruction.start, ("instruction", instruction.index), severity="info")
            continue
        yield fix_at(CODE, "use npm ci: the lockfile is in the image", instruction, _edits(found), unsafe=True)


def _edits(found: Any) -> tuple[Edit, ...]:
    instruction, command = found.instruction, found.command
    verb = re.search(r"\b(install|i)\b", command.text[: found.verb_end - command.start])
    start = command.start + verb.start()
    edits = [Edit(instruction.args.origin(start), after(instruction, found.verb_end), "ci")]
    for match in PRODUCTION.finditer(command.text):
        low = command.start + match.start()
        edits.append(Edit(instruction.args.origin(low), after(instruction, command.start + match.end()), "--omit=dev"))
    return tuple(edits)


def _lockfile_copied(doc: DockerfileDocument, context: Any, run: Instruction) -> bool:
    for copy in doc.instructions[: run.index]:
        if copy.stage != run.stage or copy.keyword not in ("COPY", "ADD") or "from" in copy.flags():
            continue
        for source in _sources(copy):
            if any(fnmatch.fnmatchcase(lock, source.rsplit("/", 1)[-1]) for lock in NPM_LOCKS) and (source.endswith(NPM_LOCKS) or _lock_beside(doc, context)):
                return True
            if source.rstrip("/") in (".", "./") and _lock_beside(doc, context):
                return True
    return False


def _sources(copy: Instruction) -> list[str]:
    words = [w for w in copy.args.text.split() if not w.startswith("--")]
    if copy.is_exec_form:
        import json

        try:
            words = [str(w) for w in json.loads(copy.args.text)]
        except ValueError:
            return []
    return words[:-1]


def _lock_beside(doc: DockerfileDocument, context: Any) -> bool:
    return any(exists(doc, context, lock) for lock in NPM_LOCKS)


RULE = Rule(
    code=CODE,
    name="dockerfile-npm-install-with-lockfile",
    phase=2,
    kind="dockerfile",
    applicability=Applicability.UNSAFE,
    title="Use npm ci when the lockfile is copied",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("compose",)},  # build contexts of the services that build this Dockerfile
)
