"""Finding package-manager commands inside `RUN` instructions, and editing them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from dockwright.documents.dockerfile import DockerfileDocument, Instruction
from dockwright.edits import Edit
from dockwright.transforms._dockerfile import after
from dockwright.transforms._dockerfile_shell import Command, commands, shell_comment

# Environment assignments and sudo may come first: `DEBIAN_FRONTEND=noninteractive apt-get install`.
PREFIX = r"^(?:[A-Za-z_]\w*=\S*\s+)*(?:sudo\s+)?"


@dataclass(frozen=True)
class Found:
    """A command in a RUN that matched, with the logical index just after its verb."""

    instruction: Instruction
    command: Command
    verb_end: int

    def has(self, *flags: str) -> bool:
        return any(word == flag or word.startswith(flag + "=") for word in self.command.words for flag in flags)

    def insert_after_verb(self, text: str) -> Edit:
        point = after(self.instruction, self.verb_end)
        return Edit(point, point, text)


def shell_runs(doc: DockerfileDocument) -> Iterator[Instruction]:
    """RUN instructions in shell form whose command line the fixes can read.

    Heredoc bodies are opaque, exec-form RUNs have no shell, and a RUN with a cache
    mount wants its package cache kept.
    """
    for instruction in doc.instructions:
        if instruction.keyword != "RUN" or instruction.heredocs or instruction.is_exec_form:
            continue
        if "type=cache" in instruction.flags().get("mount", ""):
            continue
        yield instruction


def find(doc: DockerfileDocument, pattern: str) -> Iterator[Found]:
    """Every simple command of a shell RUN matching ``PREFIX + pattern``."""
    regex = re.compile(PREFIX + pattern)
    for instruction in shell_runs(doc):
        for command in commands(instruction.args.text):
            match = regex.match(command.text)
            if match:
                yield Found(instruction, command, command.start + match.end())


def append_to_run(instruction: Instruction, text: str) -> Edit | None:
    """An insertion after the RUN's last command: before a trailing shell comment,
    never inside it. None when the command line ends in a way that an appended
    ``&& ...`` would change (a background ``&`` or a dangling operator)."""
    logical = instruction.args.text
    limit = shell_comment(logical)
    body = logical if limit is None else logical[:limit]
    stripped = body.rstrip()
    if not stripped or stripped.endswith(("&", "|", ";", "\\", "`")):
        return None
    point = after(instruction, len(stripped))
    return Edit(point, point, text)
