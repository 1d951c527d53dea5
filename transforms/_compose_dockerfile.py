"""What a Compose service's Dockerfile says about health: base image, EXPOSE, HEALTHCHECK.

A deliberately small reader over the text (continuations joined, comments dropped):
the healthcheck fixes need three facts of the final stage, not the full structure
that the Dockerfile fixes work with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s*(.*)$", re.S)
PORT = re.compile(r"^(\d{1,5})(?:/tcp)?$")
INSTALL = re.compile(r"\b(?:apk\s+add|apt-get\s+install|apt\s+install|yum\s+install|dnf\s+install|microdnf\s+install)\b([^;&|]*)")
PROBES = ("curl", "wget")


@dataclass(frozen=True)
class DockerfileFacts:
    base: str  # image of the final stage, through `FROM <earlier stage>`
    exposed: tuple[int, ...] = ()
    healthcheck: bool | None = None  # True: HEALTHCHECK CMD, False: HEALTHCHECK NONE, None: absent
    installed: tuple[str, ...] = ()  # curl / wget installed by a RUN of the final stage's lineage


def dockerfile_path(compose_path: str, build: Any) -> str | None:
    """Where the Dockerfile of ``build:`` lives, or None (a git URL, an inline Dockerfile)."""
    if isinstance(build, str):
        context, name = build, "Dockerfile"
    elif isinstance(build, dict) and isinstance(build.get("context", "."), str):
        context, name = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    else:
        return None
    if "://" in context or context.startswith("git@") or not isinstance(name, str):
        return None
    folder = PurePosixPath(compose_path).parent
    return str(folder / context / name)


def read_facts(text: str) -> DockerfileFacts:
    """Facts of the final stage; `FROM build` inherits what stage `build` declared."""
    stages: dict[str, DockerfileFacts] = {}
    current, alias = DockerfileFacts(base=""), None
    for keyword, args in _instructions(text):
        if keyword == "FROM":
            image, alias = _from(args)
            current = stages.get(image.lower(), DockerfileFacts(base=image))
        else:
            current = _apply(current, keyword, args)
        if alias:
            stages[alias] = current
    return current


def _apply(facts: DockerfileFacts, keyword: str, args: str) -> DockerfileFacts:
    if keyword == "EXPOSE":
        ports = tuple(int(m.group(1)) for word in args.split() if (m := PORT.match(word)))
        return replace(facts, exposed=facts.exposed + ports)
    if keyword == "HEALTHCHECK":
        return replace(facts, healthcheck=args.strip().upper() != "NONE")
    if keyword == "RUN":
        words = {w for m in INSTALL.finditer(args) for w in m.group(1).split()}
        return replace(facts, installed=facts.installed + tuple(p for p in PROBES if p in words))
    return facts


def _from(args: str) -> tuple[str, str | None]:
    words = [w for w in args.split() if not w.startswith("--")]
    image = words[0] if words else ""
    alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
    return image, alias


def _instructions(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        if not pending and line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        if pending and line.lstrip().startswith("#"):
            continue
        logical, pending = pending + line, ""
        match = INSTRUCTION.match(logical)
        if match and logical.strip():
            found.append((match.group(1).upper(), match.group(2).strip()))
    return found
