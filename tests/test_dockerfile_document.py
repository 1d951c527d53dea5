"""The Dockerfile document: structure from dockerfile-parse, heredocs, offsets, verification."""
from __future__ import annotations

import pytest

from dockwright.documents.dockerfile import dangling_stage_references, parse, verify
from dockwright.documents.source import Problem, Source, decode
from dockwright.fixes import Change


def doc(text: str):
    return parse("Dockerfile", decode(text.encode()))


def test_heredoc_bodies_are_opaque_parts_of_their_instruction() -> None:
    parsed = doc("# syntax=docker/dockerfile:1\nFROM alpine\nRUN <<EOF\napk add --no-cache tini\nnpm config set fund false\nEOF\nCOPY <<-EOT /etc/motd\n\twelcome\n\tEOT\nCMD [\"sh\"]\n")
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN", "COPY", "CMD"]
    run, copy = parsed.instructions[1], parsed.instructions[2]
    assert (run.first_line, run.last_line) == (3, 6)
    assert run.heredocs[0].text == "apk add --no-cache tini\nnpm config set fund false\nEOF"
    assert copy.heredocs[0].strip_tabs and (copy.first_line, copy.last_line) == (7, 9)
    assert parsed.directives == {"syntax": "docker/dockerfile:1"}


def test_continuation_with_comment_lines_joins_like_the_builder() -> None:
    parsed = doc("FROM ubuntu\nRUN apt-get update \\\n    # tools\n    && apt-get install -y git\nCMD [\"x\"]\n")
    run = parsed.instructions[1]
    assert run.args.text == " apt-get update     && apt-get install -y git"
    assert parsed.text[run.args.origin(len(" apt-get update     && "))] == "a"


def test_backtick_escape_and_crlf() -> None:
    parsed = doc("# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN powershell `\r\n    Write-Host hi\r\n")
    assert parsed.escape == "`"
    assert parsed.instructions[1].args.text == " powershell     Write-Host hi"
    assert parsed.instructions[1].end == len(parsed.text) - 2


def test_arg_before_from_and_lowercase() -> None:
    parsed = doc("ARG BASE=node:20\nfrom ${BASE} as base\nrun echo hi\n")
    assert parsed.global_args[0].args.text.strip() == "BASE=node:20"
    assert parsed.stages[0].alias == "base" and parsed.instructions[2].word == "run"


def test_file_ending_in_a_continuation_keeps_its_last_instruction() -> None:
    parsed = doc("FROM alpine:3.20\nRUN echo one \\\n")
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN"]


def test_empty_file() -> None:
    assert doc("").instructions == []


@pytest.mark.parametrize("text, line", [
    pytest.param("FROM alpine\nAPK add curl\n", 2, id="unknown instruction"),
    pytest.param("FROM alpine\nRUN <<EOF\necho never ends\n", 2, id="unterminated heredoc"),
    pytest.param("# escape=x\nFROM alpine\n", 1, id="bad escape directive"),
])
def test_bad_input_is_a_positioned_problem(text: str, line: int) -> None:
    with pytest.raises(Problem) as raised:
        doc(text)
    assert raised.value.line == line


def _verify(before: str, after: str, *changes: Change):
    parsed = doc(before)
    return verify(parsed, "Dockerfile", Source(after, False, "\n"), list(changes))


def test_verify_accepts_changes_inside_the_declared_lines() -> None:
    result = _verify("FROM a\nCMD x\n", "FROM a\nUSER 1000\nCMD [\"x\"]\n", Change(("lines", 2, 2)))
    assert isinstance(result, tuple)


def test_verify_refuses_a_change_outside_the_declared_lines() -> None:
    assert "line 1" in _verify("FROM a\nCMD x\n", "FROM b\nCMD [\"x\"]\n", Change(("lines", 2, 2)))


def test_verify_refuses_a_changed_heredoc_even_in_a_rewrite() -> None:
    before = "FROM a\nRUN <<EOF\necho hi\nEOF\n"
    assert "heredoc" in _verify(before, "FROM a\nRUN <<EOF\necho bye\nEOF\n", Change(("file",)))


def test_verify_refuses_a_line_swallowed_by_a_continuation() -> None:
    result = _verify("FROM a\nRUN echo \\\n  one\nCMD x\n", "FROM a\nRUN echo \\\n  one \\\nCMD x\n", Change(("lines", 3, 3)))
    assert isinstance(result, str)


def test_verify_refuses_a_dangling_copy_from_and_a_lost_command() -> None:
    assert "names no stage" in _verify("FROM a\nCMD x\n", "FROM a\nCOPY --from=nowhere /x /x\nCMD x\n", Change(("file",)))
    assert "lost its CMD" in _verify("FROM a\nCMD x\n", "FROM a\n", Change(("file",)))


def test_verify_refuses_invalid_output_and_changed_directives() -> None:
    assert "not be a valid Dockerfile" in _verify("FROM a\n", "FROM a\nBOGUS x\n", Change(("file",)))
    assert "directive" in _verify("# syntax=docker/dockerfile:1\nFROM a\n", "# syntax=docker/dockerfile:1.7\nFROM a\n", Change(("file",)))


def test_copy_from_an_image_is_not_dangling() -> None:
    assert dangling_stage_references(doc("FROM a AS build\nFROM b\nCOPY --from=build /x /x\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n")) == []


def test_suppression_lines_include_the_comment_above() -> None:
    parsed = doc("FROM a\n# dockwright: ignore[DW251]\nCMD x\n")
    assert set(parsed.owner_lines(("instruction", 1))) == {2, 3}
