"""Shared helpers for the Dockerfile fixes: edits, base images, files beside the Dockerfile."""
from __future__ import annotations

import re

from dockwright.documents import compose
from dockwright.documents.dockerfile import DockerfileDocument, Instruction, Stage
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix


def after(instruction: Instruction, index: int) -> int:
    """Original offset just after logical character ``index - 1`` (an insertion point)."""
    if index <= 0:
        return instruction.args.origin(0)
    if index >= len(instruction.args.text):
        return instruction.args.offsets[-1]
    return instruction.args.origin(index - 1) + 1


def keyword(doc: DockerfileDocument, name: str) -> str:
    """An instruction name in the file's own case (``user`` in a lower-case file)."""
    words = [i.word for i in doc.instructions]
    return name.lower() if words and all(w.islower() for w in words) else name


def flags_end(instruction: Instruction) -> int:
    """Original offset just after the leading ``--flag`` words (or where arguments begin)."""
    text = instruction.args.text
    index = len(text) - len(text.lstrip())
    for match in re.finditer(r"(--\S+)(\s+)", text):
        if match.start() != index:
            break
        index = match.end()
    return instruction.args.origin(index)


def lines_of(instruction: Instruction) -> Change:
    return Change(("lines", instruction.first_line, instruction.last_line))


def fix_at(code: str, message: str, instruction: Instruction, edits: tuple[Edit, ...], *, unsafe: bool = False, extra: tuple[Change, ...] = ()) -> Fix:
    applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
    return Fix(code, message, edits, (lines_of(instruction), *extra), instruction.start, ("instruction", instruction.index), applicability=applicability)


# base images --------------------------------------------------------------------

def resolved_base(doc: DockerfileDocument, stage: Stage) -> str:
    """The stage's base image with ``${ARG}``s from global ARG defaults filled in."""
    defaults: dict[str, str] = {}
    for arg in doc.global_args:
        name, _, value = arg.args.text.strip().partition("=")
        defaults[name.strip()] = value.strip().strip("\"'")
    base = stage.base
    for _ in range(3):
        base = re.sub(r"\$\{?(\w+)(?::-[^}]*)?\}?", lambda m: defaults.get(m.group(1), m.group(0)), base)
    return base


def image_parts(reference: str) -> tuple[str, str]:
    """(repository name without registry or namespace, tag) of an image reference."""
    return compose.image_name(reference), (compose.image_tag(reference) or "").lower()


def distro(doc: DockerfileDocument, stage: Stage) -> str | None:
    """'alpine', 'debian', 'distroless', 'scratch' or None (unknown) for a stage's base."""
    base = resolved_base(doc, stage)
    if "$" in base:
        return None
    if base.lower() == "scratch":
        return "scratch"
    if "distroless" in base.lower() or "chainguard" in base.lower():
        return "distroless"
    if _earlier_stage(doc, stage, base) is not None:
        return distro(doc, _earlier_stage(doc, stage, base))
    name, tag = image_parts(base)
    if name == "alpine" or "alpine" in tag:
        return "alpine"
    if name in ("debian", "ubuntu") or any(w in tag for w in ("slim", "bookworm", "bullseye", "buster", "trixie", "jammy", "noble", "focal")):
        return "debian"
    if name in ("node", "python", "ruby", "golang", "openjdk", "eclipse-temurin", "php", "rust"):
        return "debian"  # the official images' default variants are Debian
    return None


def _earlier_stage(doc: DockerfileDocument, stage: Stage, base: str) -> Stage | None:
    for earlier in doc.stages[: stage.index]:
        if earlier.alias and earlier.alias.lower() == base.lower():
            return earlier
    return None


def is_node_image(doc: DockerfileDocument, stage: Stage) -> bool:
    base = resolved_base(doc, stage)
    earlier = _earlier_stage(doc, stage, base)
    if earlier is not None:
        return is_node_image(doc, earlier)
    return image_parts(base)[0] == "node"
