"""DW104's unsafe half: when placeholders remain in fields without a ``*_file`` form,
let Compose render the config at start-up through ``configs:`` with inline ``content:``.

Compose interpolates ``content`` (``${VAR}``, ``${VAR:-x}``) from the shell and the
project's ``.env``, and turns ``$$`` into ``$``. Every ``$`` that is not one of the
placeholders the config meant (Go templates such as ``{{ $labels.x }}``, comments) is
therefore doubled. The official image is busybox without envsubst, so rendering inside
the container would need a hand-written shell or awk script; Compose needs nothing.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents.alertmanager import PLACEHOLDER
from dockwright.documents.yaml import YamlDocument, block_column
from dockwright.documents.yaml_edits import add_missing, append_items, insertion_point, remove_entry, remove_item, join_insertions
from dockwright.edits import Edit
from dockwright.fixes import DELETE, Applicability, Change, Fix, Notice
from dockwright.transforms._monitoring import Runner, bind_mounts, spaced_top_level

CONFIG_NAME = "alertmanager_config"


def template_text(doc: YamlDocument, spans: list[tuple[int, int]]) -> str:
    """The config with ``$`` doubled everywhere except the placeholders inside ``spans``."""
    text = doc.text.replace("\r\n", "\n")
    keep: set[int] = set()
    for start, end in spans:  # offsets into the original text, which CRLF may shift
        for match in PLACEHOLDER.finditer(doc.text, start, end):
            keep.add(start_in(doc.text, match.start()))
    out = "".join(char if char != "$" or index in keep else "$$" for index, char in enumerate(text))
    # Blank lines are made empty and the text ends in one newline: a literal block
    # cannot carry whitespace-only lines or (without `|+`, which would swallow the
    # blank lines after it) several trailing newlines. Neither matters to Alertmanager.
    return "\n".join(line if line.strip() else "" for line in out.rstrip("\n").split("\n")) + "\n"


def start_in(original: str, offset: int) -> int:
    """Offset in the LF-normalised text of ``offset`` in the original."""
    return offset - original.count("\r\n", 0, offset)


def block_scalar(text: str, column: int, step: int, newline: str) -> str:
    """A ``|`` block for ``text`` (which ends in at most one newline) with its lines at ``column``."""
    body = text.rstrip("\n")
    indicator = "|" + (str(step) if body.lstrip("\n")[:1] == " " else "") + ("" if text.endswith("\n") else "-")
    pad = " " * column
    lines = [(pad + line) if line.strip() else "" for line in body.split("\n")]
    return indicator + newline + newline.join(lines)


def render_through_configs(doc: YamlDocument, runner: Runner, stuck: list[Any], *, code: str) -> Iterator[Fix | Notice]:
    compose_doc, service = runner.doc, runner.service
    if service.node.shared or CONFIG_NAME in ((compose_doc.plain or {}).get("configs") or {}):
        return
    content = template_text(doc, [(f.value.start, f.value.end) for f in stuck])
    mounted = _swap_mount(compose_doc, service, runner.container_path)
    if mounted is None:
        yield Notice(code, f"{service.name}: cannot replace the mount of {doc.path} with a config cleanly", service.key.start, file=compose_doc.path)
        return
    declared = _declare_config(compose_doc, content)
    # The service's entries first: at the end of the file they precede the new top-level key.
    edits, changes = [*mounted[0], *declared[0]], [*mounted[1], *declared[1]]
    names = ", ".join(sorted({p.name for f in stuck for p in f.found}))
    message = f"{service.name}: let Compose render {doc.path} (configs.{CONFIG_NAME}, interpolating {names}); edit the config there from now on"
    yield Fix(code, message, join_insertions(edits), tuple(changes), service.key.start, file=compose_doc.path, applicability=Applicability.UNSAFE)


def _declare_config(doc: YamlDocument, content: str) -> tuple[list[Edit], list[Change]]:
    newline = doc.source.newline
    step = doc.indent_step()
    found = doc.lookup(doc.root, "configs")
    if found is not None and found[1].is_mapping and found[1].pairs and found[2]:
        column = block_column(doc, found[1])
        lines = f"{' ' * column}{CONFIG_NAME}:{newline}{' ' * (column + step)}content: {block_scalar(content, column + 2 * step, step, newline)}{newline}"
        point = insertion_point(doc, found[1])
    else:
        lines = f"configs:{newline}{' ' * step}{CONFIG_NAME}:{newline}{' ' * 2 * step}content: {block_scalar(content, 3 * step, step, newline)}{newline}"
        point = insertion_point(doc, doc.root)
    if point == len(doc.text) and not doc.text.endswith("\n"):
        lines = newline + lines[: -len(newline)]
    edit = Edit(point, point, lines)
    return [edit if found is not None else spaced_top_level(doc, edit)], [Change(("configs", CONFIG_NAME), {"content": content})]


def _swap_mount(doc: YamlDocument, service: Any, target: str) -> tuple[list[Edit], list[Change]] | None:
    """Drop the bind mount that carried the file; mount the config at the same path."""
    volumes = service.data.get("volumes") or []
    index = next((i for i, v in enumerate(volumes) if any(t == target for _, t in bind_mounts({"volumes": [v]}))), None)
    found = doc.lookup(service.node, "volumes")
    if index is None or found is None or not found[2]:
        return None
    path = ("services", service.name)
    mapping = doc.target(service.node)
    if len(volumes) == 1:
        cut, change = remove_entry(doc, mapping, "volumes"), Change((*path, "volumes"), DELETE)
    else:
        cut, change = remove_item(doc, found[1], index), Change((*path, "volumes"), [v for i, v in enumerate(volumes) if i != index])
    if cut is None:
        return None
    entry = {"source": CONFIG_NAME, "target": target}
    existing = doc.lookup(service.node, "configs")
    if existing is not None and existing[1].is_sequence and existing[2]:
        return [cut, append_items(doc, existing[1], [entry])], [change, Change((*path, "configs"), [*service.data["configs"], entry])]
    addition = add_missing(doc, service.node, path, service.data, {"configs": [entry]})
    if addition.reason:
        return None
    return [cut, *addition.edits], [change, *(Change(p, v) for p, v in addition.changes)]
