"""Create a `.dockerignore` for a build context that has none.

## What it does
Creates `.dockerignore` in a Dockerfile's build context (the `build.context` of the
Compose services that build it, else the Dockerfile's folder) when neither that file
nor `<Dockerfile name>.dockerignore` beside the Dockerfile exists. It excludes version
control (`.git`), dependencies (`node_modules`, Python virtualenvs and caches), build
output (`.next`, `dist`, `build`, `coverage`), logs, and `.env` files (keeping
`.env.example`). An entry is left out when the Dockerfile copies that path by name
(`COPY dist ./dist`), so that the build keeps working. The file shows up in the diff as
created. An existing `.dockerignore` that lacks `node_modules` or `.git` gets a note.

## Why
Without it `COPY . .` sends everything to the builder: a local `node_modules` built for
another OS overwrites the one installed in the image (vercel/next.js#44804), `.git`
and build output bloat the context and bust the layer cache, and `.env` files with
real secrets end up inside the image for anyone who pulls it.

## Example
```text
# before: Dockerfile and package.json, no .dockerignore
# after: .dockerignore (created)
.git
**/node_modules
**/.next
dist
**/*.log
**/.env
**/.env.*
!**/.env.example
```

## Fix safety
Safe: the listed paths are rebuilt in the image or never needed there; paths the
Dockerfile copies by name are kept.

## Options
None.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from dockwright.documents.dockerfile import DockerfileDocument
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._dockerfile_files import beside, build_contexts, exists

CODE = "DW259"
HEADER = "# Created by dockwright (DW259): what the build never needs, and secrets it must not see."
# `**/` reaches nested folders (a monorepo's apps/web/node_modules); a bare name only
# matches at the root of the context.
SECTIONS = (
    ("version control", ("", (".git",))),
    ("dependencies are installed in the image", ("node", ("**/node_modules",))),
    ("dependencies are installed in the image", ("python", (".venv", "venv", "**/__pycache__", "**/*.pyc"))),
    ("build output is rebuilt in the image", ("node", ("**/.next", "dist", "build", "coverage"))),
    ("logs", ("", ("**/*.log",))),
    ("environment files hold secrets", ("", ("**/.env", "**/.env.*", "!**/.env.example"))),
)


def check(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    if not doc.stages:
        return
    own = beside(doc, Path(doc.path).name + ".dockerignore")
    if _present(context, own):
        return  # BuildKit prefers <Dockerfile>.dockerignore beside the Dockerfile
    for root in build_contexts(doc, context):
        target = root / ".dockerignore"
        if _present(context, target):
            yield from _check_existing(doc, context, target)
            continue
        content = render(copied_names(doc), _ecosystems(doc, context))
        message = f"create {target.as_posix()}: keep node_modules, .git, build output and .env files out of the build context"
        yield Fix(CODE, message, (Edit(0, 0, content),), file=str(target), creates=True)


def _present(context: Any, path: Path) -> bool:
    return context is not None and context.project.exists(path)


def render(copied: set[str], ecosystems: set[str]) -> str:
    lines = [HEADER]
    for title, (ecosystem, entries) in SECTIONS:
        if ecosystem and ecosystem not in ecosystems:
            continue
        kept = [e for e in entries if _name(e) not in copied and not (_name(e).startswith(".env") and ".env" in copied)]
        if kept:
            lines += ["", f"# {title}", *kept]
    return "\n".join(lines) + "\n"


def _name(entry: str) -> str:
    return entry.lstrip("!").removeprefix("**/")


def _ecosystems(doc: DockerfileDocument, context: Any) -> set[str]:
    """Which language's entries belong in the file, from the files beside the Dockerfile and the base images."""
    bases = " ".join(stage.base.lower() for stage in doc.stages)
    found = set()
    if exists(doc, context, "package.json") or "node" in bases:
        found.add("node")
    if any(exists(doc, context, name) for name in ("requirements.txt", "pyproject.toml", "Pipfile")) or "python" in bases:
        found.add("python")
    return found


def copied_names(doc: DockerfileDocument) -> set[str]:
    """First path components the Dockerfile copies from the context by name."""
    names: set[str] = set()
    for instruction in doc.instructions:
        if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags() or instruction.is_exec_form:
            continue
        words = [w for w in instruction.args.text.split() if not w.startswith("--")]
        for source in words[:-1]:
            while source.startswith("./"):
                source = source[2:]
            first = source.split("/", 1)[0]
            if first not in ("", "."):
                names.add(".env" if first.startswith(".env") else first)
    return names


def _check_existing(doc: DockerfileDocument, context: Any, target: Path) -> Iterator[Notice]:
    if context.project.document(target) is not None:
        return  # created earlier in this run, by this fix
    text = context.project.read_text(target) or ""
    entries = {line.strip().strip("/").removeprefix("**/") for line in text.splitlines()}
    essential = [".git", *(["node_modules"] if "node" in _ecosystems(doc, context) else [])]
    missing = [e for e in essential if e not in entries]
    if missing and any(i.keyword in ("COPY", "ADD") and "." in i.args.text.split()[:-1] for i in doc.instructions):
        yield Notice(CODE, f"{target.as_posix()} does not exclude {', '.join(missing)}, and the Dockerfile copies the whole context", 0, severity="info")


RULE = Rule(
    code=CODE,
    name="dockerfile-context-without-dockerignore",
    phase=2,
    kind="dockerfile",
    applicability=Applicability.SAFE,
    title="Create a .dockerignore for the build context",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("compose",)},  # build contexts of the services that build this Dockerfile
)
