"""Split a single-stage Node image into build and runtime stages.

## What it does
Rewrites a single-stage Dockerfile for a Node app that package.json says it
understands:

- **Next.js** (`next` is a dependency, `build` runs `next build`): a `deps` stage
  installs every dependency with `npm ci`; a `builder` stage copies them, copies the
  sources and runs `npm run build`; a `runner` stage sets `NODE_ENV=production`, runs as
  the image's `node` user, and holds only what runs. With `output: 'standalone'` in
  next.config that is `.next/standalone`, `.next/static` and `public`, run with
  `node server.js` and `HOSTNAME=0.0.0.0` (Docker sets `HOSTNAME` to the container id,
  vercel/next.js#54093); otherwise `.next`, `public`, package.json, next.config and the
  production-only `node_modules` of a `prod-deps` stage (`FROM deps`, `npm ci
  --omit=dev`), run with `next start`.
- **TypeScript worker** (`build` runs `tsc`, start runs `node <dir>/<file>`): a
  `builder` stage runs the build, a `prod-deps` stage (`FROM builder`, so the system
  packages that native modules need are there) runs `npm ci --omit=dev`, and the
  `runner` stage gets `node_modules`, package.json and the build directory and runs
  `node <dir>/<file>`.

Comments, `ARG`s and `ENV`s move with the step they belong to (settings before the
build go to the build stage; `ENV`s also stay in the runner, which is what ran
before); `EXPOSE`, `LABEL`, `HEALTHCHECK`, `ENTRYPOINT` go to the runner. System
packages installed before `npm install` go to the stages that install dependencies,
unless they install more than build tools (`python3 make g++`): those go into a
`base` stage that every other stage starts from, so the runner has them too. Every
stage keeps the base image as written, so native modules match the runtime's libc.
`npm ci` needs a lockfile; without one the stages use `npm install` and
`npm prune --omit=dev`, with a note.

## Why
A single-stage image ships the compiler, dev dependencies, sources and caches, runs
as root, and is rebuilt from scratch on any source change. The runner stage here is
a fraction of the size, holds no build tools, and runs as a non-root user.

## Example
```dockerfile
# before
FROM node:20-alpine
WORKDIR /srv/worker
COPY package.json package-lock.json ./
RUN npm install
COPY . .
RUN npm run build
CMD ["npm", "start"]
# after
FROM node:20-alpine AS builder
WORKDIR /srv/worker
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM builder AS prod-deps
RUN npm ci --omit=dev

FROM node:20-alpine AS runner
WORKDIR /srv/worker
ENV NODE_ENV=production
COPY --chown=node:node package.json ./
COPY --from=prod-deps --chown=node:node /srv/worker/node_modules ./node_modules
COPY --from=builder --chown=node:node /srv/worker/dist ./dist
USER 1000:1000
CMD ["node", "dist/index.js"]
```

## Fix safety
Unsafe: it is a rewrite. Files the app reads at run time that are not part of the
build output (templates, migrations, a config file) must be copied into the runner
by hand. It is not attempted, and the reason is reported, for images that are not
Node (Python, Go, ...), files that are already multi-stage, yarn and pnpm projects,
files with heredocs, and any instruction whose place in the new layout is unclear.

## Options
```toml
[tool.dockwright.DW250]
variant = "alpine"   # or "slim": use that variant of the same node version in every stage
```
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents.dockerfile import DockerfileDocument
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._dockerfile import keyword
from dockwright.transforms._dockerfile_render import render
from dockwright.transforms._dockerfile_app import NotUnderstood
from dockwright.transforms._dockerfile_stages import read_node_app

CODE = "DW250"


def check(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    if len(doc.stages) != 1:
        return  # empty, or already multi-stage
    stage = doc.stages[0]
    where = ("instruction", stage.instructions[0].index)
    try:
        app = read_node_app(doc, context)
    except NotUnderstood as reason:
        yield Notice(CODE, f"multi-stage conversion not attempted: {reason}", stage.instructions[0].start, where, severity="info")
        return
    variant = str((context.options if context else {}).get("variant", ""))
    text = render(app, variant, upper=keyword(doc, "FROM") == "FROM")
    start = stage.instructions[0].line_start
    last = stage.instructions[-1]
    edit = Edit(start, last.end, doc.source.with_newlines(text))
    label = "Next.js" + (" standalone" if app.standalone else "") if app.kind == "next" else "TypeScript worker"
    message = f"split the {label} image into build and runtime stages (non-root, production dependencies only)"
    if not app.lockfile:
        yield Notice(CODE, "no package-lock.json beside the Dockerfile: the stages use npm install; commit a lockfile for reproducible builds with npm ci", stage.instructions[0].start, where, severity="info")
    yield Fix(CODE, message, (edit,), (Change(("file",)),), stage.instructions[0].start, where, applicability=Applicability.UNSAFE)


RULE = Rule(
    code=CODE,
    name="dockerfile-node-single-stage",
    phase=2,
    kind="dockerfile",
    applicability=Applicability.UNSAFE,
    title="Split a Node image into build and runtime stages",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("compose",)},  # build contexts of the services that build this Dockerfile
)
