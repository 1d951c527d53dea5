"""Next.js runner stages: listen on every interface, and let the app write its cache.

## What it does
For a final stage that runs a Next.js app (it copies `.next/standalone` or `.next`):

- DW260: when it runs the standalone `server.js`, sets `ENV HOSTNAME=0.0.0.0` (an
  `ENV HOSTNAME localhost` or `127.0.0.1` gets the new value), and `ENV PORT` to the one
  port the stage exposes when that is not Next's default 3000. It also notes two
  standalone pitfalls it cannot fix by editing: `next` older than 15 without `sharp`
  (image optimisation fails), and a runtime stage on another libc than the stage that
  installed `node_modules` (native modules do not load).
- DW261: when the stage already runs as a non-root `USER` (its own or the one of the
  stage it starts from), its `.next` and `public` copies get `--chown` for that user
  (COPY ignores `USER`).

## Why
Docker sets `HOSTNAME` to the container id, and the standalone server listens on the
address that name resolves to, so `localhost` health checks fail and, in some versions,
the published port serves nothing (vercel/next.js#54093). Files copied without
`--chown` belong to root: Next.js then cannot create `.next/cache` at run time
(`EACCES`), and image optimisation and ISR stop caching (vercel/next.js#63134).

## Example
EXAMPLE

## Fix safety
Safe: inside a container, listening on every interface is what publishing a port
needs, and the files given to the user are the app's own build output. A stage that
runs as root is left to DW258.

## Options
None.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from dockwright.documents.dockerfile import DockerfileDocument, Stage
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._dockerfile import distro, fix_at, flags_end, keyword
from dockwright.transforms._dockerfile_node import dependency_version, major, package_json
from dockwright.transforms._dockerfile_user import last_user, runs_as_root

LOOPBACK_HOSTNAME = re.compile(r"(?<![\w])HOSTNAME(?:=|\s+)([\"']?)(localhost|127\.0\.0\.1)\1(?!\S)")


def listen_everywhere(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    stage = doc.final
    if stage is None or not _copies(stage, ".next/standalone") or not any("server.js" in c.args.text for c in stage.named("CMD")):
        return
    yield from _pitfalls(doc, context, stage)
    envs = stage.named("ENV")
    loopback = next(((e, m) for e in envs for m in [LOOPBACK_HOSTNAME.search(e.args.text)] if m), None)
    if loopback:
        env, match = loopback
        start, end = env.args.origin(match.start(2)), env.args.origin(match.end(2) - 1) + 1
        yield fix_at("DW260", f"ENV HOSTNAME {match.group(2)}: the standalone server must listen on 0.0.0.0 to be reachable", env, (Edit(start, end, "0.0.0.0"),))
        return
    if any(re.search(r"(?<![\w])HOSTNAME(=|\s)", e.args.text) for e in envs):
        return
    lines = [f"{keyword(doc, 'ENV')} HOSTNAME=0.0.0.0"]
    port = _exposed_port(stage)
    if port and port != "3000" and not any(re.search(r"(?<![\w])PORT(=|\s)", e.args.text) for e in envs):
        lines.append(f"{keyword(doc, 'ENV')} PORT={port}")
    anchor = envs[-1] if envs else (stage.last("WORKDIR") or stage.instructions[0])
    text = "".join(doc.source.newline + line for line in lines)
    yield fix_at("DW260", "set HOSTNAME=0.0.0.0: Docker sets HOSTNAME to the container id, and server.js listens only there", anchor, (Edit(anchor.end, anchor.end, text),))


def own_next_files(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    stage = doc.final
    if stage is None or runs_as_root(doc, stage) or not _copies(stage, ".next"):
        return
    owner = _owner(last_user(doc, stage) or "")
    for copy in stage.named("COPY"):
        # COPY ignores USER: without --chown the files are root's wherever the copy stands.
        if "chown" in copy.flags() or ".next" not in copy.args.text and "public" not in copy.args.text:
            continue
        point = flags_end(copy)
        yield fix_at("DW261", f"COPY: give the Next.js files to {owner}, so that it can write .next/cache", copy, (Edit(point, point, f"--chown={owner} "),))


def _owner(user: str) -> str:
    """``node:node`` for the official images' user; otherwise the user as written.

    A user made with BusyBox ``adduser --system`` has no group of its own name, and
    ``COPY --chown=name`` alone is always valid (Docker then uses the UID as the GID).
    """
    if ":" in user or user != "node":
        return user
    return "node:node"


def _copies(stage: Stage, path: str) -> bool:
    return any(path in c.args.text for c in stage.named("COPY"))


def _exposed_port(stage: Stage) -> str | None:
    ports = [w.split("/")[0] for e in stage.named("EXPOSE") for w in e.args.text.split()]
    return ports[0] if len(ports) == 1 and ports[0].isdigit() else None


def _pitfalls(doc: DockerfileDocument, context: Any, stage: Stage) -> Iterator[Notice]:
    where = ("instruction", stage.instructions[0].index)
    package = package_json(doc, context)
    version = dependency_version(package, "next") if package else None
    if version and (major(version) or 99) < 15 and not dependency_version(package, "sharp"):
        yield Notice("DW260", f'next {version} < 15 and "sharp" is not a dependency: next/image optimisation will fail in standalone mode; add it with "npm install sharp"', stage.instructions[0].start, where, severity="info")
    builder = next((s for s in doc.stages[:-1] if any("npm ci" in r.args.text or "npm install" in r.args.text for r in s.named("RUN"))), None)
    if builder is not None and None not in (distro(doc, builder), distro(doc, stage)) and distro(doc, builder) != distro(doc, stage):
        yield Notice("DW260", f"node_modules is installed on {distro(doc, builder)} but runs on {distro(doc, stage)}: native modules (sharp) built for one libc do not load on the other; use one base family for every stage", stage.instructions[0].start, where, severity="info")


BEFORE = """FROM node:20-alpine AS build
RUN npm ci && npm run build
FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/.next/standalone ./
USER node
CMD ["node", "server.js"]
"""
AFTER = {
    "DW260": BEFORE.replace("ENV NODE_ENV=production\n", "ENV NODE_ENV=production\nENV HOSTNAME=0.0.0.0\n"),
    "DW261": BEFORE.replace("COPY --from=build /app", "COPY --from=build --chown=node:node /app"),
}


def _doc(code: str) -> str:
    return (__doc__ or "").replace("EXAMPLE", f"```dockerfile\n# before\n{BEFORE}# after\n{AFTER[code]}```")


RULES = [
    Rule(code="DW260", name="dockerfile-next-standalone-hostname", phase=2, kind="dockerfile", applicability=Applicability.SAFE,
         title="Make the Next.js standalone server listen on 0.0.0.0", check=listen_everywhere, doc=_doc("DW260"), options={"reads": ("compose",)}),
    Rule(code="DW261", name="dockerfile-next-files-owned-by-root", phase=2, kind="dockerfile", applicability=Applicability.SAFE,
         title="Give the Next.js files to the image's non-root user", check=own_next_files, doc=_doc("DW261")),
]
