"""Writing the stages of a multi-stage Node Dockerfile from a :class:`NodeApp`.

Instructions the user wrote are copied as written (comments above them included);
only the stage lines, the install commands, the runner's copies, USER and CMD are
new. Text is produced with ``\\n``; the caller converts it to the file's newline.
"""
from __future__ import annotations

import posixpath
from typing import Callable

from dockwright.transforms._dockerfile import image_parts
from dockwright.transforms._dockerfile_shell import exec_form
from dockwright.transforms._dockerfile_app import Block, NodeApp

OWNER = "node:node"  # the official node images ship user node, uid/gid 1000
USER = "1000:1000"


def render(app: NodeApp, variant: str, *, upper: bool = True) -> str:
    kw: Callable[[str], str] = (lambda word: word) if upper else str.lower
    base = with_variant(app.base, variant)
    stages: list[list[str]] = []
    if app.runtime_system:
        # System packages the app needs at run time go into one base stage that every
        # stage builds on, instead of being repeated in the runner.
        stages.append([f"{kw('FROM')} {base} {kw('AS')} base", *_blocks(app.runtime_system)])
        base = "base"
    if app.kind == "next":
        stages.append(_install_stage(app, base, "deps", kw))
        stages.append(_next_builder(app, base, kw))
    else:
        stages.append(_install_stage(app, base, "builder", kw) + _blocks(app.build))
    if app.kind == "worker" or not app.standalone:
        stages.append(_prod_deps(app, "deps" if app.kind == "next" else "builder", kw))
    stages.append(_runner(app, base, kw))
    return "\n\n".join("\n".join(lines) for lines in stages)


def with_variant(base: str, variant: str) -> str:
    """``node:20`` with variant ``alpine`` -> ``node:20-alpine``; a tag with a variant stays."""
    if not variant or "$" in base or "@" in base or ":" not in base.rsplit("/", 1)[-1]:
        return base
    _, tag = image_parts(base)
    if any(word in tag for word in ("alpine", "slim", "bookworm", "bullseye", "buster", "trixie")):
        return base
    return f"{base}-{variant}"


def _install_stage(app: NodeApp, base: str, name: str, kw: Callable[[str], str]) -> list[str]:
    """FROM, system packages, WORKDIR, early settings, package files and the install."""
    lines = [f"{kw('FROM')} {base} {kw('AS')} {name}"]
    lines += _blocks([b for b in app.system if b not in app.runtime_system])
    lines += _comments(app.workdir_comments) + [f"{kw('WORKDIR')} {app.workdir}"]
    lines += _blocks(app.early_settings)
    lines += _blocks(app.package_copies)
    lines += _comments(app.install.comments if app.install else "")
    lines.append(f"{kw('RUN')} {_install_command(app, False)}")
    return lines


def _install_command(app: NodeApp, production: bool) -> str:
    words = ["npm", "ci" if app.lockfile else "install", *app.install_flags]
    if production:
        words.append("--omit=dev")
    return " ".join(words)


def _prod_deps(app: NodeApp, source: str, kw: Callable[[str], str]) -> list[str]:
    """Production-only node_modules, made where the system packages and package files
    already are (native modules compile there). Without a lockfile, prune instead."""
    command = _install_command(app, True) if app.lockfile else "npm prune --omit=dev"
    return [f"{kw('FROM')} {source} {kw('AS')} prod-deps", f"{kw('RUN')} {command}"]


def _next_builder(app: NodeApp, base: str, kw: Callable[[str], str]) -> list[str]:
    lines = [f"{kw('FROM')} {base} {kw('AS')} builder", f"{kw('WORKDIR')} {app.workdir}"]
    lines += _blocks(app.early_settings, comments=False)
    lines.append(f"{kw('COPY')} --from=deps {_in(app, 'node_modules')} ./node_modules")
    return lines + _blocks(app.build)


def _runner(app: NodeApp, base: str, kw: Callable[[str], str]) -> list[str]:
    settings = [b for b in app.runtime if b.instruction.keyword in ("ENV", "ARG")]
    others = [b for b in app.runtime if b.instruction.keyword not in ("ENV", "ARG")]
    lines = [f"{kw('FROM')} {base} {kw('AS')} runner"]
    lines.append(f"{kw('WORKDIR')} {app.workdir}")
    if not app.user_env:
        lines.append(f"{kw('ENV')} NODE_ENV=production")
    lines += _blocks(settings)
    lines += _standalone_env(app, others, kw)
    lines += [f"{kw('COPY')} {flags} {source} {target}" for flags, source, target in runner_copies(app)]
    lines.append(f"{kw('USER')} {USER}")
    lines += _blocks(others)
    lines += _comments(app.command_comments)
    lines.append(f"{kw('CMD')} {exec_form(list(runner_command(app)))}")
    return lines


def _standalone_env(app: NodeApp, others: list[Block], kw: Callable[[str], str]) -> list[str]:
    if app.kind != "next" or not app.standalone:
        return []
    # Docker sets HOSTNAME to the container id; server.js would listen on that address only.
    lines = [f"{kw('ENV')} HOSTNAME=0.0.0.0"]
    port = _start_port(app.command)  # `next start -p 4000`: server.js reads PORT instead
    ports = [port] if port else [w.split("/")[0] for b in others if b.instruction.keyword == "EXPOSE" for w in b.instruction.args.text.split()]
    if len(ports) == 1 and ports[0].isdigit():
        lines.append(f"{kw('ENV')} PORT={ports[0]}")
    return lines


def _start_port(command: tuple[str, ...]) -> str | None:
    for index, word in enumerate(command):
        if word in ("-p", "--port") and index + 1 < len(command):
            return command[index + 1]
        if word.startswith(("-p=", "--port=")):
            return word.split("=", 1)[1]
    return None


def runner_copies(app: NodeApp) -> list[tuple[str, str, str]]:
    """(flags, source, target) of every COPY into the runner; also read by the tests' structure check."""
    chown = f"--chown={OWNER}"
    if app.kind == "next" and app.standalone:
        copies = [("builder", ".next/standalone", "./"), ("builder", ".next/static", "./.next/static")]
        copies += [("builder", "public", "./public")] if app.public else []
        return [(f"--from={stage} {chown}", _in(app, path), target) for stage, path, target in copies]
    copies = [(chown, "package.json", "./")]
    if app.kind == "next" and app.next_config:
        copies.append((chown, app.next_config, "./"))
    copies.append((f"--from=prod-deps {chown}", _in(app, "node_modules"), "./node_modules"))
    built = [".next"] + (["public"] if app.public else []) if app.kind == "next" else [app.output]
    copies += [(f"--from=builder {chown}", _in(app, path), f"./{path}") for path in built]
    return copies


def runner_command(app: NodeApp) -> tuple[str, ...]:
    if app.kind == "next" and app.standalone:
        return ("node", "server.js")
    return app.command


def _in(app: NodeApp, path: str) -> str:
    return posixpath.join(app.workdir, path)


def _blocks(blocks: list[Block], *, comments: bool = True) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines += _comments(block.comments if comments else "")
        lines.append(block.text.replace("\r\n", "\n"))
    return lines


def _comments(text: str) -> list[str]:
    return [line for line in text.replace("\r\n", "\n").split("\n") if line]
