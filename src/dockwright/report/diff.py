"""Unified diffs that ``git apply`` and ``patch -p1`` accept as they are."""
from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


MASK = "****"


def masked(diff: str, secrets: tuple[tuple[str, str], ...]) -> str:
    """The diff with each secret value replaced by ``****`` on the lines that name it.

    A masked hunk no longer applies with ``git apply``; ``dockwright fix`` writes the file.
    """
    if not secrets:
        return diff
    lines = diff.splitlines(keepends=True)
    for index, line in enumerate(lines):
        for name, value in secrets:
            at = line.find(name)
            if value and at != -1:
                cut = at + len(name)
                line = line[:cut] + line[cut:].replace(value, MASK)
        lines[index] = line
    return "".join(lines)


def unified_diff(before: str, after: str, display: str, *, created: bool = False) -> str:
    if before == after:
        return ""
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    header = [f"diff --git a/{display} b/{display}\n"]
    if created:
        header.append("new file mode 100644\n")
    lines = list(
        difflib.unified_diff(old, new, "/dev/null" if created else f"a/{display}", f"b/{display}", lineterm="\n")
    )
    if not lines:
        return ""
    out = header[:]
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            # difflib leaves the last line of a file without its newline: git marks that line.
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)
