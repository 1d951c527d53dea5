"""Properties of the phase-2 Compose fixes over generated files in many styles:
the output parses with an independent parser, a second run changes nothing, comments
survive, and lines the fixes do not own are kept byte for byte."""
from __future__ import annotations

import yaml
from hypothesis import given, strategies as st

from dockwright import engine
from tests.compose_phase2 import RULES
from tests.helpers import TolerantLoader, comments

IMAGES = ["postgres:16", "redis:7-alpine", "mysql:8.4", "prom/prometheus:v2.53.0", "grafana/grafana:11.1.0", "node:20-alpine", "example/app:1", "adminer"]
ENVIRONMENT = [None, {"POSTGRES_PASSWORD": "agent"}, ["GF_SECURITY_ADMIN_PASSWORD=admin", "PORT=3000"]]


@st.composite
def compose_files(draw) -> str:
    indent = " " * draw(st.sampled_from([2, 4]))
    seq = draw(st.sampled_from(["", indent]))
    quote = draw(st.sampled_from(['"', "'"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    names = draw(st.lists(st.sampled_from(["web", "db", "cache", "worker", "prom"]), min_size=1, max_size=4, unique=True))
    lines = ['version: "3.8"'] if draw(st.booleans()) else []
    lines.append("services:")
    for name in names:
        if draw(st.booleans()):
            lines.append(f"{indent}# the {name} service")
        lines.append(f"{indent}{name}:")
        body = indent * 2
        lines.append(f"{body}image: {quote}{draw(st.sampled_from(IMAGES))}{quote}")
        env = draw(st.sampled_from(ENVIRONMENT))
        if isinstance(env, dict):
            lines += [f"{body}environment:"] + [f"{body}{indent}{k}: {v}" for k, v in env.items()]
        elif isinstance(env, list):
            lines += [f"{body}environment:"] + [f"{body}{seq}- {v}" for v in env]
        others = [n for n in names if n != name]
        if others and draw(st.booleans()):
            deps = draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
            if draw(st.booleans()):
                lines.append(f"{body}depends_on: [{', '.join(deps)}]")
            else:
                lines += [f"{body}depends_on:"] + [f"{body}{seq}- {d}" for d in deps]
    return newline.join(lines) + newline


@given(compose_files(), st.sampled_from(["dev", "staging", "prod"]), st.booleans())
def test_phase_two_properties(text: str, env: str, unsafe: bool) -> None:
    options = engine.Options(unsafe_fixes=unsafe)
    output, outcome = engine.fix_text(text.encode(), "docker-compose.yml", RULES, env=env, options=options)
    assert not [m for m in outcome.messages if m.severity == "error"], outcome.messages
    result = output.decode()
    data = yaml.load(result, Loader=TolerantLoader)
    assert set(data["services"]) == set(yaml.load(text, Loader=TolerantLoader)["services"])
    assert comments(result) == comments(text)
    again, _ = engine.fix_text(output, "docker-compose.yml", RULES, env=env, options=options)
    assert again == output
    if "\r\n" in text:
        assert result.count("\r\n") == result.count("\n")
    kept = [line for line in text.splitlines() if not line.lstrip().startswith(("version", "- ", "depends_on", "POSTGRES_PASSWORD", "- GF_"))]
    assert all(line in result.splitlines() for line in kept)
