"""Which user an image should run as, and how to create it on the base image's distro."""
from __future__ import annotations

import re
from dataclasses import dataclass

from dockwright.documents.dockerfile import DockerfileDocument, Instruction, Stage
from dockwright.transforms._dockerfile import distro, image_parts, is_node_image, resolved_base

# Official images whose entrypoint starts as root on purpose and then drops to its own
# user (gosu/su-exec), or that need root to bind a port below 1024.
MANAGES_ITS_USER = {
    "postgres", "redis", "mysql", "mariadb", "mongo", "rabbitmq", "httpd", "nginx", "haproxy",
    "elasticsearch", "cassandra", "memcached", "traefik", "caddy", "docker", "jenkins",
}
ROOT = {"root", "0", "0:0", "root:root"}
USER_CREATION = re.compile(r"\b(?:useradd|adduser)\b[^&|;]*?\s([a-z_][a-z0-9_-]*)\s*(?:$|&&|\|\||;)", re.I)


@dataclass(frozen=True)
class Plan:
    """How to run a stage as a non-root user: who, the RUN that creates it (if any), a reason not to."""

    user: str = ""
    group: str = ""
    create: str = ""
    reason: str = ""
    uid: str = ""  # numeric uid:gid for USER: Kubernetes' runAsNonRoot can only verify numbers

    @property
    def user_line(self) -> str:
        return self.uid or self.user

    @property
    def owner(self) -> str:
        return f"{self.user}:{self.group}" if self.group else self.user


def last_user(doc: DockerfileDocument, stage: Stage) -> str | None:
    """The USER in effect at the end of the stage, inherited from the stage it starts from."""
    found = stage.last("USER")
    if found is not None:
        return found.args.text.strip()
    parent = doc.stage_named(stage.base) if not stage.base.isdigit() else None
    return last_user(doc, parent) if parent is not None and parent.index < stage.index else None


def runs_as_root(doc: DockerfileDocument, stage: Stage) -> bool:
    user = last_user(doc, stage)
    return user is None or user.lower() in ROOT


def plan_user(doc: DockerfileDocument, stage: Stage) -> Plan:
    base = resolved_base(doc, stage)
    name, tag = image_parts(base)
    if name in MANAGES_ITS_USER:
        return Plan(reason=f"the {name} image starts as root on purpose and drops to its own user")
    if "chainguard" in base or ("distroless" in base and "nonroot" in tag):
        return Plan(reason="the base image already runs as a non-root user")
    created = created_user(stage)
    if created:
        return Plan(user=created[0], group=created[0], uid=created[1])
    family = distro(doc, stage)
    if is_node_image(doc, stage):
        return Plan(user="node", group="node", uid="1000:1000")  # the official node images ship user node
    if family == "debian":
        create = "groupadd --system --gid 1001 app && useradd --system --uid 1001 --gid app --no-create-home app"
        return Plan(user="app", group="app", create=create, uid="1001:1001")
    if family == "alpine":
        return Plan(user="app", group="app", create="addgroup -S -g 1001 app && adduser -S -u 1001 -G app app", uid="1001:1001")
    if family in ("distroless", "scratch"):
        uid = "65532" if family == "distroless" else "65534"
        return Plan(user=f"{uid}:{uid}")  # numeric: the image may have no /etc/passwd
    return Plan(reason=f"cannot tell which distro {base!r} is, so not how to create a user")


def created_user(stage: Stage) -> tuple[str, str] | None:
    """(name, numeric uid or "") of a user a RUN of the stage already creates (``useradd -u 10001 app``)."""
    for run in stage.named("RUN"):
        match = USER_CREATION.search(run.args.text)
        if match:
            uid = re.search(r"(?:-u|--uid)[ =](\d+)", match.group(0))
            return match.group(1), uid.group(1) if uid else ""
    return None


def privileged_ports(stage: Stage) -> list[str]:
    ports = []
    for expose in stage.named("EXPOSE"):
        for word in expose.args.text.split():
            number = word.split("/")[0]
            if number.isdigit() and int(number) < 1024:
                ports.append(word)
    return ports


def insertion_before_command(doc: DockerfileDocument, stage: Stage) -> Instruction | None:
    """Where ``USER`` goes: before the first CMD/ENTRYPOINT/HEALTHCHECK/EXPOSE after the stage's
    last RUN (so every RUN still runs as root) and last USER (a later ``USER root`` would undo
    it), or None for the end of the stage."""
    last_run = max((i.index for i in stage.instructions if i.keyword in ("RUN", "USER")), default=stage.instructions[0].index)
    for instruction in stage.instructions:
        if instruction.index > last_run and instruction.keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK", "EXPOSE"):
            return instruction
    return None


USER_LEVEL = {"npm", "npx", "yarn", "pnpm", "node", "corepack", "tsc", "next", "bun"}


def early_switch(stage: Stage, copies: list[Instruction]) -> Instruction | None:
    """The first COPY into the working directory, when every RUN from there on is a
    Node build step that works as the user (``npm ci``, ``npm run build``).

    Switching there lets those steps create node_modules and build output owned by
    the user, which Next.js needs for ``.next/cache``; copying ownership alone leaves
    what RUN builds owned by root.
    """
    from dockwright.transforms._dockerfile_shell import commands

    if not copies:
        return None
    first = copies[0]
    if any(user.index > first.index for user in stage.named("USER")):
        return None  # a later USER decides; switch after it instead
    later = [run for run in stage.named("RUN") if run.index > first.index]
    if not later:
        return None  # nothing is built after the copies: USER goes before the command
    steps = [c.words for run in later for c in commands(run.args.text) if c.words]
    if any(run.heredocs or run.is_exec_form or run.flags() for run in later) or any(w[0] not in USER_LEVEL for w in steps):
        return None
    if all(len(w) > 1 and w[1] in ("ci", "install", "i") for w in steps):
        return None  # only installs: root-owned node_modules is fine to run from
    return first
