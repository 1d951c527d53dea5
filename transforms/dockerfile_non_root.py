"""Run the final image as a non-root user that owns the application files.

## What it does
For a final stage with no `USER` (or whose last `USER` is root):

- picks a user: one the stage already creates with `useradd`/`adduser`; `node` on the
  official node images (they ship it, uid 1000); otherwise creates a system user `app`
  (uid/gid 1001) right after `FROM`, with `groupadd`/`useradd` on Debian and Ubuntu
  bases and `addgroup -S`/`adduser -S` on Alpine. Distroless and scratch images get a
  numeric `USER` (65532 / 65534), since they may have no `/etc/passwd`;
- gives the application files to it: every `COPY`/`ADD` of the stage into the working
  directory (a relative destination, or one under `WORKDIR`) gets `--chown`;
- sets `USER` (numeric `uid:gid`, which Kubernetes' `runAsNonRoot` can verify and
  hadolint DL3066 asks for) after the stage's last `RUN` (which still runs as root),
  before its `CMD`/`ENTRYPOINT` and comments directly above them. On node images whose
  RUNs after the first copy are only Node build steps (`npm ci`, `npm run build`), the
  switch comes before that copy instead, after a `RUN chown` of the working directory,
  so that `node_modules` and build output (`.next`) belong to the user as well.

## Why
A process that runs as root in a container is root on the host too when it escapes
(a kernel or runtime bug, a mounted socket). hadolint only notices an explicit
`USER root` (DL3002), not a file with no `USER` at all. Inserting `USER nobody` alone,
as some fixers do, breaks apps that write to their own directory (`.next/cache`,
uploads), because the copied files stay owned by root.

## Example
```dockerfile
# before
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["gunicorn", "app:app"]
# after
FROM python:3.12-slim
RUN groupadd --system --gid 1001 app && useradd --system --uid 1001 --gid app --no-create-home app
WORKDIR /app
COPY --chown=app:app . .
USER 1001:1001
CMD ["gunicorn", "app:app"]
```

## Fix safety
Unsafe: the app can no longer write outside the files it owns, bind ports below 1024,
or install packages at run time. Left alone, with a note: images whose entrypoint
drops privileges itself (postgres, redis, nginx, ...), stages that `EXPOSE` a port
below 1024, bases whose distro cannot be told (`FROM ${BASE}` without a default), and
images that already run as non-root.

## Options
None.
"""
from __future__ import annotations

import re

from pathlib import PurePosixPath
from typing import Any, Iterator

from dockwright.documents.dockerfile import COMMENT, DockerfileDocument, Instruction, Stage
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._dockerfile import flags_end, keyword
from dockwright.transforms._dockerfile_node import workdir_at
from dockwright.transforms._dockerfile_user import Plan, early_switch, insertion_before_command, plan_user, privileged_ports, runs_as_root

CODE = "DW258"


def check(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    stage = doc.final
    if stage is None or not runs_as_root(doc, stage):
        return
    where = ("instruction", stage.instructions[0].index)
    plan = plan_user(doc, stage)
    ports = privileged_ports(stage)
    if ports and not plan.reason:
        plan = Plan(reason=f"the image exposes port {ports[0]}, which a non-root user cannot bind")
    if not plan.reason and doc.text.rstrip().endswith(doc.escape):
        plan = Plan(reason="the file ends inside a continued instruction")
    if plan.reason:
        yield Notice(CODE, f"the image runs as root: {plan.reason}", stage.instructions[0].start, where, severity="info")
        return
    edits, lines = _edits(doc, stage, plan)
    changes = tuple(Change(("lines", a, b)) for a, b in lines)
    message = f"run as non-root user {plan.user}" + (" (created in the image)" if plan.create else "")
    yield Fix(CODE, message, tuple(edits), changes, stage.instructions[0].start, where, applicability=Applicability.UNSAFE)
    for run in stage.named("RUN"):
        if re.search(r"(^|[\s;&|])mkdir\s", run.args.text):
            # COPY --chown covers copied files, not what a RUN creates as root
            yield Notice(CODE, f"line {run.first_line} creates directories as root; if the app writes there, add `chown {plan.owner or plan.user}` for them", run.start, ("instruction", run.index), severity="info")


def _edits(doc: DockerfileDocument, stage: Stage, plan: Plan) -> tuple[list[Edit], list[tuple[int, int]]]:
    newline = doc.source.newline
    start = stage.instructions[0]
    edits: list[Edit] = []
    lines: list[tuple[int, int]] = []
    if plan.create:
        edits.append(Edit(start.end, start.end, f"{newline}{keyword(doc, 'RUN')} {plan.create}"))
        lines.append((start.first_line, start.last_line))
    copies = _app_copies(stage) if plan.group else []
    for copy in copies:
        point = flags_end(copy)
        edits.append(Edit(point, point, f"--chown={plan.owner} "))
        lines.append((copy.first_line, copy.last_line))
    user = _user_edit(doc, stage, plan, copies)
    line = doc.line_of(user.start)
    lines.append((line, line))
    same_point = [e for e in edits if e.start == e.end == user.start]
    if same_point:  # a FROM-only stage: create the user, then switch to it, at one point
        edits.remove(same_point[0])
        user = Edit(user.start, user.end, same_point[0].replacement + user.replacement)
    return [*edits, user], lines


def _app_copies(stage: Stage) -> list[Instruction]:
    """COPY/ADD into the directory the app runs in; files copied elsewhere stay root's."""
    app_dir = workdir_at(stage) or "/"
    copies = []
    for copy in stage.instructions:
        if copy.keyword not in ("COPY", "ADD") or copy.is_exec_form or copy.heredocs or "chown" in copy.flags():
            continue
        words = copy.args.text.split()
        destination = words[-1] if words else "/"
        here = workdir_at(stage, copy) or "/"
        inside = _under(str(PurePosixPath(here) / destination), app_dir) if app_dir != "/" else not destination.startswith("/")
        if "$" not in destination and inside:
            copies.append(copy)
    return copies


def _under(path: str, directory: str) -> bool:
    return PurePosixPath(path) == PurePosixPath(directory) or PurePosixPath(directory) in PurePosixPath(path).parents


def _user_edit(doc: DockerfileDocument, stage: Stage, plan: Plan, copies: list[Instruction]) -> Edit:
    newline = doc.source.newline
    user = plan.user_line
    workdir = workdir_at(stage, copies[0]) if copies else None
    early = early_switch(stage, copies) if plan.user == "node" and workdir else None
    if early is not None:
        # The workdir was created by root; the build steps that follow need to write in it.
        text = f"{keyword(doc, 'RUN')} chown {plan.owner} {workdir}{newline}{keyword(doc, 'USER')} {user}{newline}"
        return _before(doc, stage, early, text)
    anchor = insertion_before_command(doc, stage)
    if anchor is None:
        last = stage.instructions[-1]
        point = last.heredocs[-1].end if last.heredocs else last.end
        # hadolint only reads an instruction after a heredoc terminator when a blank line separates them.
        gap = newline if last.heredocs else ""
        return Edit(point, point, f"{newline}{gap}{keyword(doc, 'USER')} {user}")
    return _before(doc, stage, anchor, f"{keyword(doc, 'USER')} {user}{newline}")


def _before(doc: DockerfileDocument, stage: Stage, anchor: Instruction, text: str) -> Edit:
    """An insertion above ``anchor`` and the comment lines directly above it."""
    point = anchor.line_start
    line = anchor.first_line - 1
    while line >= 1 and COMMENT.match(doc.line_text(line)) and line > stage.instructions[0].first_line:
        point = doc.text.rfind("\n", 0, point - 1) + 1
        line -= 1
    above = next((i for i in reversed(stage.instructions) if i.last_line == line), None)
    gap = doc.source.newline if above is not None and above.heredocs else ""
    return Edit(point, point, gap + text)


RULE = Rule(
    code=CODE,
    name="dockerfile-runs-as-root",
    phase=2,
    kind="dockerfile",
    applicability=Applicability.UNSAFE,
    title="Run the image as a non-root user that owns the app files",
    check=check,
    doc=__doc__ or "",
)
