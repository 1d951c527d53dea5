"""What a Compose service's Dockerfile says about health: base image, EXPOSE, HEALTHCHECK.

Read through :mod:`dockwright.documents.dockerfile`; the healthcheck fixes need only
a few facts of the final stage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from dockwright.documents import compose

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
    paths = compose.build_paths(compose_path, build)
    return paths[1].as_posix() if paths is not None else None


@lru_cache(maxsize=256)
def read_facts(text: str) -> DockerfileFacts | None:
    """Facts of the final stage; `FROM build` inherits what stage `build` declared.

    Read with the Dockerfile document's own parser (heredocs, escape directive); cached,
    since every service and every pass asks about the same Dockerfiles. None when the
    Dockerfile does not parse (the Dockerfile fixes report that).
    """
    from dockwright.documents import dockerfile
    from dockwright.documents.source import Problem, decode

    try:
        document = dockerfile.parse("Dockerfile", decode(text.encode("utf-8")))
    except Problem:
        return None
    stages: dict[str, DockerfileFacts] = {}
    current = DockerfileFacts(base="")
    for stage in document.stages:
        current = stages.get(stage.base.lower(), DockerfileFacts(base=stage.base))
        for instruction in stage.instructions[1:]:
            current = _apply(current, instruction.keyword, instruction.args.text)
        if stage.alias:
            stages[stage.alias.lower()] = current
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
