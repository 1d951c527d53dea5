"""apt-get: install without recommended packages, and remove the package lists in the same RUN.

## What it does
Two fixes for `apt-get install` (and `apt install`) in a `RUN`:

- DW253 adds `--no-install-recommends` right after `install`.
- DW254 appends `&& rm -rf /var/lib/apt/lists/*` to the end of the RUN's command line,
  before a trailing `# comment` (never inside it), when the RUN does not remove the
  lists already.

## Why
Recommended packages are installed by default and often double an image's size
(hadolint DL3015). The package lists that `apt-get update` downloads stay in the layer
unless the same RUN deletes them; a later RUN cannot shrink an earlier layer (DL3009).

## Example
EXAMPLE

## Fix safety
DW253 is unsafe: a program may rely on a package that was only recommended (a
`ca-certificates` or a locale, say); add it to the install line by name. DW254 is
safe: the lists are only needed by a later `apt-get install`, so a RUN is left alone
when a later RUN of its stage (or of a stage built from it) still installs packages;
the cleanup goes into that last one. RUNs with
a cache mount (`--mount=type=cache`), heredoc bodies and exec-form RUNs are left alone.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents.dockerfile import DockerfileDocument
from dockwright.fixes import Applicability, Fix, Notice, Rule
from dockwright.transforms._dockerfile import fix_at
from dockwright.transforms._dockerfile_run import append_to_run, find

INSTALL = r"apt(?:-get)?\s+(?:-\S+\s+)*install\b"
CLEANUP = " && rm -rf /var/lib/apt/lists/*"


def no_install_recommends(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    for found in find(doc, INSTALL):
        if found.has("--no-install-recommends", "--install-recommends"):
            continue
        edit = found.insert_after_verb(" --no-install-recommends")
        yield fix_at("DW253", "apt-get install: add --no-install-recommends", found.instruction, (edit,), unsafe=True)


def remove_package_lists(doc: DockerfileDocument, context: Any) -> Iterator[Fix | Notice]:
    seen: set[int] = set()
    installs = list(find(doc, INSTALL))
    for found in installs:
        instruction = found.instruction
        if instruction.index in seen or "/var/lib/apt/lists" in instruction.args.text:
            continue
        seen.add(instruction.index)
        if _lists_needed_later(doc, instruction, installs):
            continue
        edit = append_to_run(instruction, CLEANUP)
        if edit is None:
            yield Notice("DW254", "this RUN's command line ends in a way that an appended cleanup would change; remove /var/lib/apt/lists/* by hand", instruction.start, ("instruction", instruction.index))
            continue
        yield fix_at("DW254", "apt-get: remove /var/lib/apt/lists/* in the same RUN", instruction, (edit,))


def _lists_needed_later(doc: DockerfileDocument, instruction: Any, installs: list[Any]) -> bool:
    """A later RUN of this stage, or of a stage built FROM it, installs with these lists."""
    stage = doc.stages[instruction.stage] if 0 <= instruction.stage < len(doc.stages) else None
    heirs = {instruction.stage} | {s.index for s in doc.stages if stage is not None and stage.alias and s.base and s.base.lower() == stage.alias.lower()}
    return any(f.instruction.index > instruction.index and f.instruction.stage in heirs for f in installs)


EXAMPLES = {
    "DW253": "RUN apt-get update && apt-get install --no-install-recommends -y curl  # fetch tool",
    "DW254": "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*  # fetch tool",
}


def _doc(code: str) -> str:
    before = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl  # fetch tool\n"
    example = f"```dockerfile\n# before\n{before}# after\nFROM debian:bookworm\n{EXAMPLES[code]}\n```"
    return (__doc__ or "").replace("EXAMPLE", example)


RULES = [
    Rule(
        code="DW253",
        name="dockerfile-apt-install-recommends",
        phase=2,
        kind="dockerfile",
        applicability=Applicability.UNSAFE,
        title="Install apt packages with --no-install-recommends",
        check=no_install_recommends,
        doc=_doc("DW253"),
    ),
    Rule(
        code="DW254",
        name="dockerfile-apt-lists-kept",
        phase=2,
        kind="dockerfile",
        applicability=Applicability.SAFE,
        title="Remove /var/lib/apt/lists in the RUN that installs",
        check=remove_package_lists,
        doc=_doc("DW254"),
    ),
]
