"""Node specifics: package.json scripts, what `npm start` really runs, lockfiles."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from dockwright.documents.dockerfile import DockerfileDocument, Instruction, Stage
from dockwright.transforms._dockerfile_files import read_json
from dockwright.transforms._dockerfile_shell import plain_words

RUNNERS = ("npm", "yarn", "pnpm")


@dataclass(frozen=True)
class Resolved:
    """What a package-manager command runs: ``words`` for exec form, or a ``reason`` not to."""

    words: tuple[str, ...] = ()
    reason: str = ""
    script: str = ""


def script_name(words: list[str]) -> str | None:
    """``npm start`` / ``npm run start`` / ``yarn start`` / ``pnpm run worker`` -> the script name."""
    if len(words) < 2 or words[0] not in RUNNERS:
        return None
    if words[1] in ("run", "run-script") and len(words) == 3:
        return words[2]
    if len(words) == 2 and (words[1] == "start" or (words[0] != "npm" and not words[1].startswith("-"))):
        return words[1]
    return None


def resolve(package: dict[str, Any] | None, name: str, workdir: str | None) -> Resolved:
    if package is None:
        return Resolved(reason="no package.json beside the Dockerfile to read the script from")
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    script = scripts.get(name)
    if script is None and name == "start":
        script = "node server.js"  # npm's documented default for a missing start script
    if not isinstance(script, str):
        return Resolved(reason=f"package.json has no {name!r} script")
    if f"pre{name}" in scripts or f"post{name}" in scripts:
        return Resolved(reason=f"package.json runs pre{name}/post{name} hooks around {name!r}, which only npm runs")
    words = plain_words(script)
    if words is None:
        return Resolved(reason=f"the {name!r} script ({script}) uses shell syntax; keep it, or write its last command with exec", script=script)
    return Resolved(words=tuple(_program(words, workdir)), script=script)


def _program(words: list[str], workdir: str | None) -> list[str]:
    """npm puts node_modules/.bin on PATH; exec form does not, so name the binary's path."""
    program = words[0]
    if program in ("node", "nodejs") or "/" in program:
        return words
    base = workdir if workdir and workdir.startswith("/") else ""
    path = str(PurePosixPath(base or ".") / "node_modules" / ".bin" / program) if base else f"node_modules/.bin/{program}"
    return [path, *words[1:]]


def workdir_at(stage: Stage, before: Instruction | None = None) -> str | None:
    """The stage's WORKDIR in effect at ``before`` (absolute paths only; relative ones chain)."""
    current: str | None = None
    for instruction in stage.instructions:
        if before is not None and instruction.index >= before.index:
            break
        if instruction.keyword == "WORKDIR":
            value = instruction.args.text.strip().strip("\"'")
            if "$" in value:
                return None
            current = value if value.startswith("/") or current is None else str(PurePosixPath(current) / value)
    return current


def package_json(doc: DockerfileDocument, context: Any) -> dict[str, Any] | None:
    return read_json(doc, context, "package.json")


def dependency_version(package: dict[str, Any], name: str) -> str | None:
    for section in ("dependencies", "devDependencies"):
        deps = package.get(section)
        if isinstance(deps, dict) and isinstance(deps.get(name), str):
            return deps[name]
    return None


def major(version: str | None) -> int | None:
    match = re.search(r"\d+", version or "")
    return int(match.group()) if match else None
