"""The model of a single-stage Node image that the multi-stage rewrite reads and writes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from dockwright.documents.dockerfile import COMMENT, DockerfileDocument, Instruction
from dockwright.transforms._dockerfile_shell import commands

SYSTEM_INSTALL = re.compile(r"(?:^|\s)(?:apk\s+add|apt-get\s+(?:-\S+\s+)*install|apt\s+install)\b")
BUILD_TOOLS = {"python3", "python", "make", "g++", "gcc", "build-base", "build-essential", "git", "musl-dev", "libc-dev", "pkgconfig", "pkg-config", "py3-pip"}
RUNTIME_KEYWORDS = {"EXPOSE", "LABEL", "HEALTHCHECK", "VOLUME", "STOPSIGNAL", "ENTRYPOINT"}
NEXT_CONFIGS = ("next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts")


@dataclass(frozen=True)
class Block:
    """An instruction as written, with the comment lines above it."""

    instruction: Instruction
    comments: str  # the comment lines, each with its newline; "" when none
    text: str  # the instruction's own text (continuations and heredocs included)


@dataclass
class NodeApp:
    kind: str  # "next" | "worker"
    base: str
    workdir: str
    system: list[Block] = field(default_factory=list)
    package_copies: list[Block] = field(default_factory=list)
    install: Block | None = None
    build: list[Block] = field(default_factory=list)  # COPY, RUN, ENV, ARG up to and including the build RUN
    early_settings: list[Block] = field(default_factory=list)  # ENV/ARG before the install
    runtime: list[Block] = field(default_factory=list)  # ENV, EXPOSE, LABEL, ... for the runner
    command: tuple[str, ...] = ()
    lockfile: bool = False
    install_flags: tuple[str, ...] = ()
    standalone: bool = False
    public: bool = False
    next_config: str | None = None
    output: str = ""
    user_env: bool = False  # the user sets NODE_ENV themselves
    workdir_comments: str = ""
    command_comments: str = ""

    @property
    def runtime_system(self) -> list[Block]:
        """System-package RUNs that install more than build tools: the runner needs them too."""
        return [b for b in self.system if installs_runtime_packages(b.instruction)]


class NotUnderstood(Exception):
    """Why the rewrite is not attempted; shown to the user."""


def only_chown(run: Instruction) -> bool:
    return all(c.words[0] == "chown" for c in commands(run.args.text) if c.words)


def block(doc: DockerfileDocument, instruction: Instruction) -> Block:
    end = instruction.heredocs[-1].end if instruction.heredocs else instruction.end
    comments = []
    line = instruction.first_line - 1
    while line >= 1 and (COMMENT.match(doc.line_text(line)) or not doc.line_text(line).strip()):
        if doc.line_text(line).strip():
            comments.insert(0, doc.line_text(line).strip() + "\n")
        line -= 1
    return Block(instruction, "".join(comments), doc.text[instruction.start : end])


def installs_runtime_packages(run: Instruction) -> bool:
    for command in commands(run.args.text):
        if SYSTEM_INSTALL.search(command.text):
            packages = [w for w in command.words[2:] if not w.startswith("-") and w not in ("add", "install")]
            if any(p.split("=")[0] not in BUILD_TOOLS for p in packages):
                return True
    return False
