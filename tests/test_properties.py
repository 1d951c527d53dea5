"""Properties over generated Compose files in many styles: identity, validity, locality, idempotence."""
from __future__ import annotations

import difflib

import yaml
from hypothesis import given, strategies as st

from dockwright import engine
from dockwright.transforms import all_rules

PHASE_ONE = [r for r in all_rules() if r.kind == "compose" and r.phase == 1]
NAMES = ["web", "db", "cache", "worker", "api", "adminer"]
IMAGES = ["postgres:16", "redis:7-alpine", "nginx:1.25", "node:20-slim", "adminer", None]
PORT_FORMS = ["{h}:{c}", "{c}", "0.0.0.0:{h}:{c}", "{h}:{c}/udp", "127.0.0.1:{h}:{c}", "${{P{h}:-{h}}}:{c}", "[::]:{h}:{c}", "{h}-{h2}:{c}-{c2}", "LONG"]


@st.composite
def styles(draw):
    indent = draw(st.sampled_from([2, 4]))
    return {
        "indent": indent,
        "seq": draw(st.sampled_from([0, indent])),
        "quote": draw(st.sampled_from(['"', "'", ""])),
        "flow_ports": draw(st.booleans()),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "comments": draw(st.booleans()),
        "final_newline": draw(st.booleans()),
        "bom": draw(st.booleans()),
    }


@st.composite
def port(draw):
    form = draw(st.sampled_from(PORT_FORMS))
    host, container = draw(st.integers(1024, 9000)), draw(st.integers(1, 9000))
    if form == "LONG":
        return {"target": container, "published": host}
    return form.format(h=host, c=container, h2=host + 1, c2=container + 1)


@st.composite
def services(draw):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    result = {}
    for name in names:
        result[name] = {
            "image": draw(st.sampled_from(IMAGES)),
            "ports": draw(st.lists(port(), max_size=3)),
            "deploy": draw(st.sampled_from([None, "replicas", "flow-empty"])),
        }
    return result


def _scalar(value, quote: str) -> str:
    if isinstance(value, int):
        return str(value)
    if not quote or (value[:1] in "[{$" and quote == ""):
        return f'"{value}"' if not quote else f"{quote}{value}{quote}"
    return f"{quote}{value}{quote}"


def render(spec: dict, style: dict) -> bytes:
    return render_with_lines(spec, style)[0]


def render_with_lines(spec: dict, style: dict) -> tuple[bytes, set[int]]:
    """The file, and the indexes of the lines a fix may rewrite (port items, flow lists, ``deploy: {}``)."""
    i, s, q = style["indent"], style["seq"], style["quote"]
    pad = lambda n: " " * n  # noqa: E731
    mutable: set[int] = set()
    lines = ["# generated compose file"] if style["comments"] else []
    lines.append("services:")
    for name, service in spec.items():
        lines.append(f"{pad(i)}{name}:")
        if service["image"]:
            lines.append(f"{pad(2 * i)}image: {service['image']}")
        else:
            lines.append(f"{pad(2 * i)}build: .")
        ports = service["ports"]
        if ports and style["flow_ports"] and all(isinstance(p, str) for p in ports):
            mutable.add(len(lines))
            lines.append(f"{pad(2 * i)}ports: [" + ", ".join(_scalar(p, q or '"') for p in ports) + "]")
        elif ports:
            lines.append(f"{pad(2 * i)}ports:")
            for p in ports:
                dash = pad(2 * i + s) + "- "
                if isinstance(p, dict):
                    lines.append(f"{dash}target: {p['target']}")
                    lines.append(f"{pad(2 * i + s + 2)}published: {p['published']}")
                else:
                    comment = "  # a port" if style["comments"] else ""
                    mutable.add(len(lines))
                    lines.append(f"{dash}{_scalar(p, q)}{comment}")
        if service["deploy"] == "replicas":
            lines += [f"{pad(2 * i)}deploy:", f"{pad(3 * i)}replicas: 2"]
        elif service["deploy"] == "flow-empty":
            mutable.add(len(lines))
            lines.append(f"{pad(2 * i)}deploy: {{}}")
        if style["comments"]:
            lines += ["", f"{pad(i)}# next service"]
    text = style["newline"].join(lines) + (style["newline"] if style["final_newline"] else "")
    return (("\ufeff" if style["bom"] else "") + text).encode(), mutable


def _load(data: bytes):
    return yaml.safe_load(data.decode().lstrip("\ufeff"))


def _without(data: dict, keys: tuple[str, ...]) -> dict:
    return {name: {k: v for k, v in (svc or {}).items() if k not in keys} for name, svc in (data.get("services") or {}).items()}


@given(services(), styles())
def test_identity_without_fixes(spec, style) -> None:
    data = render(spec, style)
    output, outcome = engine.fix_text(data, "docker-compose.dev.yml", [])
    assert output == data and not outcome.messages


@given(services(), styles(), st.sampled_from(["dev", "staging", "prod"]))
def test_output_valid_local_and_idempotent(spec, style, env) -> None:
    data = render(spec, style)
    output, outcome = engine.fix_text(data, "docker-compose.yml", PHASE_ONE, env=env)
    if not style["final_newline"]:
        output_lines_end = output.endswith(b"\n")
        assert not output_lines_end, "a missing final newline stays missing"
    assert not [m for m in outcome.messages if m.severity == "error"], [str(m) for m in outcome.messages]
    before, after = _load(data), _load(output)
    # data changes only where the fixes say: ports (dev/staging) and deploy
    assert _without(after, ("ports", "deploy")) == _without(before, ("ports", "deploy"))
    for name, service in after["services"].items():
        limits = ((service.get("deploy") or {}).get("resources") or {}).get("limits") or {}
        assert {"cpus", "memory"} <= set(limits), name
        if env == "prod":
            assert service.get("ports") == before["services"][name].get("ports")
        else:
            assert len(service.get("ports") or []) == len(before["services"][name].get("ports") or [])
        if service.get("deploy", {}).get("replicas") or before["services"][name].get("deploy"):
            assert service["deploy"].get("replicas") == (before["services"][name].get("deploy") or {}).get("replicas")
    # locality: only the lines a fix may rewrite are replaced or removed; everything else is kept
    _, mutable = render_with_lines(spec, style)
    old_lines, new_lines = data.decode().lstrip("\ufeff").splitlines(), output.decode().lstrip("\ufeff").splitlines()
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            assert set(range(i1, i2)) <= mutable, (tag, old_lines[i1:i2])
    # line endings and BOM are the file's own
    assert output.startswith(b"\xef\xbb\xbf") == style["bom"]
    if style["newline"] == "\r\n":
        assert output.count(b"\n") == output.count(b"\r\n")
    again, _ = engine.fix_text(output, "docker-compose.yml", PHASE_ONE, env=env)
    assert again == output
