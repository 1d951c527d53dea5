"""Run the program that `npm start` runs, not npm itself.

## What it does
Replaces a final-stage `CMD` (or `ENTRYPOINT`) of `npm start`, `npm run <script>`,
`yarn <script>` or `pnpm <script>`, shell or exec form, with the script's own command
from the package.json beside the Dockerfile, in exec form: `node dist/index.js`
becomes `["node", "dist/index.js"]`; a binary of a dependency such as `next start`
becomes `["/app/node_modules/.bin/next", "start"]` (npm puts `node_modules/.bin` on
`PATH`; exec form does not). A missing `start` script means `node server.js`, as in npm.

## Why
npm does not forward SIGTERM to the script it started (npm/npm#4603), so `docker stop`
and Kubernetes wait out the grace period and then kill the app without letting it
finish requests or jobs. With the program itself as PID 1 (or as the child of an init
like tini), shutdown hooks run.

## Example
```dockerfile
# before (package.json: "start": "node dist/index.js")
FROM node:20-alpine
CMD ["npm", "run", "start"]
# after
FROM node:20-alpine
CMD ["node", "dist/index.js"]
```

## Fix safety
Unsafe: npm also sets `npm_package_*` variables and runs from the package root, which
a script may rely on. Nothing changes when package.json is missing, when the script
uses shell syntax (`node migrate.js && node worker.js`), or when `pre`/`post` hooks
would run around it; each gets a note instead.

## Options
None.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

from dockwright.documents.dockerfile import DockerfileDocument, Instruction
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._dockerfile import fix_at
from dockwright.transforms._dockerfile_shell import exec_form, plain_words
from dockwright.transforms._dockerfile_node import package_json, resolve, script_name, workdir_at

CODE = "DW252"


def check(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    stage = doc.final
    if stage is None:
        return
    for instruction in stage.instructions:
        if instruction.keyword not in ("CMD", "ENTRYPOINT"):
            continue
        if instruction.keyword == "ENTRYPOINT" and not instruction.is_exec_form and stage.named("CMD"):
            continue  # exec form would hand CMD to it as arguments (see DW251)
        words = _words(instruction)
        name = script_name(words) if words else None
        if name is None:
            continue
        resolved = resolve(package_json(doc, context), name, workdir_at(stage, instruction))
        where = ("instruction", instruction.index)
        if not resolved.words:
            yield Notice(CODE, f"{' '.join(words)} stays: {resolved.reason}; npm does not pass SIGTERM on", instruction.start, where, severity="info")
            continue
        begin = len(instruction.args.text) - len(instruction.args.text.lstrip())
        edit = Edit(instruction.args.origin(begin), instruction.end, exec_form(list(resolved.words)))
        yield fix_at(CODE, f"{instruction.keyword}: run `{resolved.script}` directly instead of `{' '.join(words)}`, so that signals reach it", instruction, (edit,), unsafe=True)


def _words(instruction: Instruction) -> list[str] | None:
    text = instruction.args.text.strip()
    if not instruction.is_exec_form:
        return plain_words(text)
    try:
        words = json.loads(text)
    except ValueError:
        return None
    return [str(w) for w in words] if isinstance(words, list) else None


RULE = Rule(
    code=CODE,
    name="dockerfile-npm-start-command",
    phase=2,
    kind="dockerfile",
    applicability=Applicability.UNSAFE,
    title="Run the start script's program instead of npm",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("compose",)},  # build contexts of the services that build this Dockerfile
)
