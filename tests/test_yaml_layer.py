"""The YAML edit layer: positions, insertion points, style copying, verification."""
from __future__ import annotations


import pytest

from dockwright import engine
from dockwright.documents import yaml as Y
from dockwright.documents import yaml_edits as E
from dockwright.documents.source import Problem, decode
from dockwright.edits import Edit, EditConflict, apply_edits
from dockwright.fixes import Applicability, Change, Fix, Rule


def parse(text: str) -> Y.YamlDocument:
    return Y.parse("t.yml", decode(text.encode()))


def added(text: str, path: tuple[str, ...], entries: dict) -> str:
    doc = parse(text)
    mapping = doc.get(doc.root, *path)
    return apply_edits(doc.text, [E.add_entries(doc, mapping, entries)])


def test_new_key_lands_after_last_content_before_blank_and_next_comment() -> None:
    text = "a:\n  b: 1\n  c:\n    - x  # keep\n\n# next\nd: 2\n"
    assert added(text, ("a",), {"e": "f"}) == "a:\n  b: 1\n  c:\n    - x  # keep\n  e: f\n\n# next\nd: 2\n"


def test_comment_lines_indented_as_deep_as_the_keys_belong_to_the_mapping() -> None:
    text = "a:\n  b: 1\n  # - commented out\nc: 2\n"
    assert added(text, ("a",), {"e": "f"}) == "a:\n  b: 1\n  # - commented out\n  e: f\nc: 2\n"


def test_block_scalar_value_is_not_split() -> None:
    text = "a:\n  b: |\n    line one\n    line two\n\nc: 2\n"
    assert added(text, ("a",), {"e": "f"}) == "a:\n  b: |\n    line one\n    line two\n  e: f\n\nc: 2\n"


def test_anchored_mapping_keys_column_is_used_not_the_anchor() -> None:
    text = "x: &d\n    k: 1\ny: *d\n"
    assert added(text, ("x",), {"e": "f"}) == "x: &d\n    k: 1\n    e: f\ny: *d\n"


def test_last_key_with_empty_value() -> None:
    text = "a:\n  b: 1\n  c:\nd: 1\n"
    assert added(text, ("a",), {"e": "f"}) == "a:\n  b: 1\n  c:\n  e: f\nd: 1\n"


def test_flow_mapping_insertions() -> None:
    assert added("a: {}\n", ("a",), {"b": {"c": "1.0"}}) == 'a: {b: {c: "1.0"}}\n'
    assert added("a: {x: 1, }\n", ("a",), {"b": 2}) == "a: {x: 1, b: 2 }\n"
    assert added("a: {x: 1}\n", ("a",), {"b": [1, "yes"]}) == 'a: {x: 1, b: [1, "yes"]}\n'


def test_nested_blocks_follow_the_file_step_and_sequence_offset() -> None:
    text = "s:\n    a:\n        k:\n        - x\n"
    doc = parse(text)
    style = E.style_of(doc, doc.get(doc.root, "s", "a"))
    assert (style.step, style.sequence_offset) == (4, 0)
    assert E.render_entries({"d": {"l": ["z"]}}, 8, style) == ["        d:", "            l:", "            - z"]


def test_alias_occurrences_have_their_own_spans() -> None:
    doc = parse("x: &a {k: 1}\ny: *a\nz: [*a, *a]\n")
    y = doc.root.own("y")[1]
    assert y.alias and doc.text[y.start:y.end] == "*a"
    items = doc.root.own("z")[1].items
    assert [doc.text[i.start:i.end] for i in items] == ["*a", "*a"] and items[0].start != items[1].start


def test_merge_keys_resolve_like_compose() -> None:
    doc = parse("b: &b {k: 1, j: 2}\nc: &c {k: 3, m: 4}\ns:\n  <<: [*b, *c]\n  j: 9\n")
    assert doc.plain["s"] == {"k": 1, "j": 9, "m": 4}
    assert doc.lookup(doc.root.own("s")[1], "k")[2] is False  # inherited, not owned


def test_shared_marks_anchor_content_only_when_aliased() -> None:
    doc = parse("a: &x {k: 1}\nb: &y {k: 2}\nc: *x\n")
    assert doc.get(doc.root, "a").shared and not doc.get(doc.root, "b").shared


@pytest.mark.parametrize("value,text", [("yes", '"yes"'), ("no", '"no"'), ("on", '"on"'), ("0.50", '"0.50"'), ("512M", "512M"), ("127.0.0.1", "127.0.0.1"),
                                        ("2222:22", '"2222:22"'), ("null", '"null"'), ("", '""'), ("#ops", '"#ops"'), ("a: b", '"a: b"'), ("unless-stopped", "unless-stopped"), (True, "true"), (3, "3")],
                         ids=lambda v: repr(v))
def test_emitted_scalars_read_the_same_in_yaml_1_1_and_1_2(value, text) -> None:
    assert E.render_scalar(value) == text


def test_remove_entry_and_item() -> None:
    doc = parse("a:\n  b: 1  # gone\n  c:\n    - x\n    - y\n  d: 2\n")
    assert apply_edits(doc.text, [E.remove_entry(doc, doc.get(doc.root, "a"), "c")]) == "a:\n  b: 1  # gone\n  d: 2\n"
    seq = doc.get(doc.root, "a", "c")
    assert apply_edits(doc.text, [E.remove_item(doc, seq, 0)]) == "a:\n  b: 1  # gone\n  c:\n    - y\n  d: 2\n"
    flow = parse("a: [x, y, z]\n")
    seq = flow.get(flow.root, "a")
    assert apply_edits(flow.text, [E.remove_item(flow, seq, 1)]) == "a: [x, z]\n"
    assert apply_edits(flow.text, [E.remove_item(flow, seq, 2)]) == "a: [x, y]\n"


def test_overlapping_edits_are_a_conflict() -> None:
    with pytest.raises(EditConflict):
        apply_edits("abc", [Edit(0, 2, "x"), Edit(1, 3, "y")])
    with pytest.raises(EditConflict):
        apply_edits("abc", [Edit(1, 1, "x"), Edit(1, 1, "y")])
    assert apply_edits("abc", [Edit(0, 1, "x"), Edit(1, 1, "y"), Edit(2, 3, "")]) == "xybc"[:2] + "b"


def test_source_keeps_bom_and_newlines() -> None:
    source = decode("\ufeffa: 1\r\nb: 2\r\n".encode())
    assert source.bom and source.newline == "\r\n" and source.text == "a: 1\r\nb: 2\r\n"
    assert source.encode(source.text) == "\ufeffa: 1\r\nb: 2\r\n".encode()
    assert source.with_newlines("x\ny\n") == "x\r\ny\r\n"


def test_undecodable_bytes_report_their_position() -> None:
    with pytest.raises(Problem) as caught:
        decode(b"a: 1\nb: caf\xe9\n")
    assert (caught.value.line, caught.value.column) == (2, 7)


def _rule(check) -> Rule:
    return Rule("DW999", "test-rule", 1, "compose", Applicability.SAFE, "test", check, "")


def test_a_fix_whose_output_differs_from_its_declared_change_is_refused() -> None:
    def sneaky(doc, context):
        web = doc.get(doc.root, "services", "web")
        image = web.own("image")[1]
        # declares only the port change, but also rewrites the image
        yield Fix("DW999", "sneaky", (Edit(image.start, image.end, "evil:1"), E.add_entries(doc, web, {"x": 1})), (Change(("services", "web", "x"), 1),), image.start)

    data = b"services:\n  web:\n    image: good:1\n"
    output, outcome = engine.fix_text(data, "docker-compose.yml", [_rule(sneaky)])
    assert output == data
    assert outcome.exit_code == 2
    assert "refused" in str(outcome.messages[0]) and "services/web/image" in str(outcome.messages[0])


def test_a_fix_that_breaks_the_yaml_is_refused() -> None:
    def breaker(doc, context):
        yield Fix("DW999", "breaks", (Edit(0, 0, "[: "),), (), 0)

    data = b"services:\n  web:\n    image: good:1\n"
    output, outcome = engine.fix_text(data, "docker-compose.yml", [_rule(breaker)])
    assert output == data and "not be valid YAML" in str(outcome.messages[0])


def test_a_fix_that_never_settles_is_stopped() -> None:
    def forever(doc, context):
        yield Fix("DW999", "again", (Edit(len(doc.text), len(doc.text), "# more\n"),), (), 0)

    _, outcome = engine.fix_text(b"services: {}\n", "docker-compose.yml", [_rule(forever)])
    assert any("did not settle" in str(m) for m in outcome.messages)


def test_a_crashing_fix_is_contained_and_the_others_still_run() -> None:
    def crashes(doc, context):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    from dockwright.transforms import all_rules

    limits = next(r for r in all_rules() if r.code == "DW103")
    data = b"services:\n  web:\n    image: nginx:1.25\n"
    output, outcome = engine.fix_text(data, "docker-compose.yml", [_rule(crashes), limits])
    assert b"resources:" in output
    assert any("internal error" in str(m) and "boom" in str(m) for m in outcome.messages)
    assert outcome.exit_code == 2
