"""Remove the obsolete top-level `version:` key.

## What it does
Deletes the top-level `version:` line of a Compose file, with the comment on that
line. Comment lines above and below stay. When the key is the first line of the
file and a blank line follows, that blank line goes too, so the file does not start
with an empty line.

## Why
The Compose Specification ignores `version`, and Compose v2 warns on every run that
"the attribute `version` is obsolete". The key also misleads readers into thinking
features of a later file format are unavailable.

## Example
```yaml
# before
version: "3.8"

services:
  web:
    image: nginx:1.27
# after
services:
  web:
    image: nginx:1.27
```

## Fix safety
Safe for `version: "3.x"` and anything else Compose v2 ignores. For `version: "1"`
and `"2.x"` the fix is unsafe (needs `--unsafe-fixes`): docker-compose v1, which is
end-of-life but still installed in places, reads a file without `version` as the
legacy v1 format, and DW103 writes 2.x-style limits (`mem_limit`) for such files.

## Options
None.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents.yaml import YamlDocument
from dockwright.documents.yaml_edits import remove_entry
from dockwright.edits import Edit
from dockwright.fixes import DELETE, Applicability, Change, Fix, Notice, Rule

CODE = "DW210"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    root = doc.root
    if root is None or not root.is_mapping or root.flow or root.own("version") is None:
        return
    key, _value = root.own("version")
    edit = remove_entry(doc, root, "version")
    if edit is None:
        yield Notice(CODE, "the version key shares its line with other text; remove it by hand", key.start, ("version",))
        return
    version = str(doc.plain.get("version", ""))
    legacy = version.startswith(("1", "2"))
    applicability = Applicability.UNSAFE if legacy else Applicability.SAFE
    message = f"remove the obsolete version key ({version})" + ("; docker-compose v1 would read the file as the v1 format" if legacy else "")
    yield Fix(CODE, message, (_with_blank_line(doc, edit),), (Change(("version",), DELETE),), key.start, ("version",), applicability=applicability)


def _with_blank_line(doc: YamlDocument, edit: Edit) -> Edit:
    """At the top of the file, take the blank line after the key along."""
    if edit.start != 0:
        return edit
    text = doc.text
    line_end = text.find("\n", edit.end)
    if line_end != -1 and not text[edit.end : line_end].strip():
        return Edit(edit.start, line_end + 1, "")
    return edit


RULE = Rule(
    code=CODE,
    name="obsolete-version-key",
    phase=2,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Remove the obsolete version key",
    check=check,
    doc=__doc__ or "",
)
