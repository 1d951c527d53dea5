"""Shared helpers for the Dockerfile fixes: shell awareness, edits, base images.

The shell scanner is deliberately small: it knows quotes, backslash escapes,
comments and the control operators, which is all the fixes need to decide where a
command ends and whether a command line is plain enough to become exec form.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockwright.documents.dockerfile import DockerfileDocument, Instruction, Stage
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix

OPERATORS = ("&&", "||", ";;", ";", "|", "&", "\n")
SHELL_SYNTAX = re.compile(r"[$`|&;<>(){}*?\[\]~#!\\]|^\s*\w+=")


@dataclass(frozen=True)
class Command:
    """One simple command inside a shell command line: ``text[start:end]`` of the logical text."""

    start: int
    end: int
    text: str

    @property
    def words(self) -> list[str]:
        return self.text.split()


def shell_comment(text: str) -> int | None:
    """Index where a shell comment starts in ``text`` (outside quotes), or None."""
    quote = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1].isspace()):
            return index
        index += 1
    return None


def commands(text: str) -> list[Command]:
    """The simple commands of a command line, split at control operators outside quotes."""
    limit = shell_comment(text)
    text = text if limit is None else text[:limit]
    found: list[Command] = []
    quote: str | None = None
    index = start = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        else:
            operator = next((op for op in OPERATORS if text.startswith(op, index)), None)
            if operator:
                found.append(_command(text, start, index))
                index += len(operator)
                start = index
                continue
        index += 1
    found.append(_command(text, start, len(text)))
    return [c for c in found if c.text.strip()]


def _command(text: str, start: int, end: int) -> Command:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return Command(start, end, text[start:end])


def plain_words(text: str) -> list[str] | None:
    """The words of a command line with no shell syntax at all, or None.

    Quotes are allowed when they only group words; anything the shell would expand
    or interpret (``&&``, pipes, redirects, ``$VAR``, globs, ``~``) keeps the shell form.
    """
    import shlex

    if SHELL_SYNTAX.search(text) or not text.strip():
        return None
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError:
        return None
    return words or None


def exec_form(words: list[str]) -> str:
    return json.dumps(words, ensure_ascii=False)


def after(instruction: Instruction, index: int) -> int:
    """Original offset just after logical character ``index - 1`` (an insertion point)."""
    if index <= 0:
        return instruction.args.origin(0)
    if index >= len(instruction.args.text):
        return instruction.args.offsets[-1]
    return instruction.args.origin(index - 1) + 1


def span(instruction: Instruction, start: int, end: int) -> tuple[int, int]:
    """Original offsets of logical characters ``start:end`` (which must not straddle a line)."""
    return instruction.args.origin(start), after(instruction, end)


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
    reference = reference.split("@", 1)[0]
    name, _, tag = reference.rpartition(":") if ":" in reference.rsplit("/", 1)[-1] else (reference, "", "")
    return name.rsplit("/", 1)[-1].lower(), tag.lower()


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


# files beside the Dockerfile -------------------------------------------------------

def beside(doc: DockerfileDocument, name: str) -> Path:
    return Path(doc.path).parent / name


def build_contexts(doc: DockerfileDocument, context: Any) -> list[Path]:
    """The build contexts of a Dockerfile: those of Compose services that build it
    (``build: {context: ., dockerfile: apps/web/Dockerfile}``), else its own folder."""
    found: list[Path] = []
    me = Path(doc.path).resolve()
    for compose in context.project.documents("compose") if context is not None else []:
        services = compose.plain.get("services") if isinstance(compose.plain, dict) else None
        for service in (services or {}).values():
            build = service.get("build") if isinstance(service, dict) else None
            if isinstance(build, str):
                build = {"context": build}
            if not isinstance(build, dict) or "$" in str(build.get("context", ".")):
                continue
            root = Path(compose.path).parent / str(build.get("context", "."))
            if (root / str(build.get("dockerfile", "Dockerfile"))).resolve() == me and root.resolve() not in [f.resolve() for f in found]:
                found.append(root)
    return found or [Path(doc.path).parent]


def _candidates(doc: DockerfileDocument, context: Any, name: str) -> list[Path]:
    """``name`` beside the Dockerfile first, then in each build context."""
    paths = [beside(doc, name)]
    for root in build_contexts(doc, context):
        if (root / name).resolve() != paths[0].resolve():
            paths.append(root / name)
    return paths


def read_json(doc: DockerfileDocument, context: Any, name: str) -> dict[str, Any] | None:
    if context is None:
        return None
    for path in _candidates(doc, context, name):
        text = context.project.read_text(path)
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None
    return None


def found_path(doc: DockerfileDocument, context: Any, name: str) -> Path | None:
    """Where ``name`` is, beside the Dockerfile or in its build context; on disk, or
    created earlier in this run (a .dockerignore another fix made)."""
    if context is None:
        return None
    for path in _candidates(doc, context, name):
        if context.project.exists(path) or context.project.document(path) is not None:
            return path
    return None


def exists(doc: DockerfileDocument, context: Any, name: str) -> bool:
    return found_path(doc, context, name) is not None


LOCKFILES = {"package-lock.json": "npm", "npm-shrinkwrap.json": "npm", "yarn.lock": "yarn", "pnpm-lock.yaml": "pnpm"}
