"""Write `CMD` and `ENTRYPOINT` in exec form when the shell form has no shell syntax.

## What it does
Turns `CMD node server.js` into `CMD ["node", "server.js"]`, and the same for
`ENTRYPOINT`. Only command lines with no shell syntax at all are converted: no `&&`,
`||`, `;`, pipes, redirects, `$VAR`, globs, `~`, backslashes or comments. Quotes that
only group words are fine (`CMD echo "a b"` becomes `["echo", "a b"]`).

## Why
The shell form runs `/bin/sh -c "<command>"`: PID 1 is the shell, which does not pass
SIGTERM on, so `docker stop` waits out its grace period and then kills the process
without a clean shutdown (hadolint DL3025).

## Example
```dockerfile
# before
FROM node:20-slim
CMD node dist/index.js
# after
FROM node:20-slim
CMD ["node", "dist/index.js"]
```

A `CMD ['node', 'x']` with single quotes is not JSON, so Docker runs it as a shell
string; that gets a warning, since which command was meant is for the author to say.

## Fix safety
Safe: without shell syntax, `sh -c` only looks the program up on `PATH`, which exec
form does too. A command line with shell syntax is left as it is, with a note (write
`exec` before its last command so that it still becomes PID 1). A shell-form
`ENTRYPOINT` in a stage that also sets `CMD` is not converted: in shell form the
builder ignores `CMD`, in exec form `CMD` would become the entrypoint's arguments.

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

CODE = "DW251"


def check(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    for stage in doc.stages:
        has_cmd = bool(stage.named("CMD"))
        for instruction in stage.instructions:
            if instruction.keyword not in ("CMD", "ENTRYPOINT"):
                continue
            if instruction.is_exec_form:
                yield from _check_json(instruction)
                continue
            if instruction.keyword == "ENTRYPOINT" and has_cmd:
                yield Notice(CODE, "ENTRYPOINT stays in shell form: this stage also sets CMD, which exec form would pass to it as arguments", instruction.start, ("instruction", instruction.index), severity="info")
                continue
            yield from _convert(instruction)


def _check_json(instruction: Instruction) -> Iterator[Notice]:
    """``CMD ['node', 'x']`` is not JSON: Docker runs it through a shell, as a string."""
    try:
        words = json.loads(instruction.args.text)
    except ValueError:
        words = None
    if not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        message = f"{instruction.keyword} looks like exec form but is not a JSON array of strings (use double quotes), so Docker runs it through /bin/sh as one string"
        yield Notice(CODE, message, instruction.start, ("instruction", instruction.index))


def _convert(instruction: Instruction) -> Iterator[Fix | Notice]:
    command = instruction.args.text.strip()
    words = plain_words(command)
    if words is None:
        message = f"{instruction.keyword} stays in shell form because it uses shell syntax; put `exec` before its last command so that it receives signals"
        yield Notice(CODE, message, instruction.start, ("instruction", instruction.index), severity="info")
        return
    begin = len(instruction.args.text) - len(instruction.args.text.lstrip())
    start = instruction.args.origin(begin)
    edit = Edit(start, instruction.end, exec_form(words))
    yield fix_at(CODE, f"{instruction.keyword}: use exec form so that signals reach `{words[0]}`", instruction, (edit,))


RULE = Rule(
    code=CODE,
    name="dockerfile-shell-form-command",
    phase=2,
    kind="dockerfile",
    applicability=Applicability.SAFE,
    title="Write CMD and ENTRYPOINT in exec form",
    check=check,
    doc=__doc__ or "",
)
