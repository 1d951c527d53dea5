"""Reading port specs from source text."""
from __future__ import annotations

import pytest

from dockwright.transforms._ports import Variable, bind_host_ip, bind_short_port, split_outside


@pytest.mark.parametrize("spec,parts", [
    ("3000:3000", ["3000", "3000"]),
    ("${BIND:-0.0.0.0}:80:80", ["${BIND:-0.0.0.0}", "80", "80"]),
    ("[::1]:80:80", ["[::1]", "80", "80"]),
    ("${A:-${B:-1:2}}:80", ["${A:-${B:-1:2}}", "80"]),
    ("$$X:80", ["$$X", "80"]),
], ids=["plain", "default with colons", "ipv6", "nested variable", "escaped dollar"])
def test_split_outside_keeps_variables_and_brackets_whole(spec: str, parts: list[str]) -> None:
    assert split_outside(spec) == parts


@pytest.mark.parametrize("spec,new", [
    ("3000:3000", "127.0.0.1:3000:3000"),
    ("3000", "127.0.0.1::3000"),
    ("53/udp", "127.0.0.1::53/udp"),
    ("0.0.0.0:80:80", "127.0.0.1:80:80"),
    ("[::]:80:80", "[::1]:80:80"),
    ("8000-8010:8000-8010", "127.0.0.1:8000-8010:8000-8010"),
    ("${WEB_PORT:-3000}:3000", "127.0.0.1:${WEB_PORT:-3000}:3000"),
    ("$DEBUG_PORT:9229", "127.0.0.1:$DEBUG_PORT:9229"),
    ("${BIND_ADDR:-0.0.0.0}:8080:80", "${BIND_ADDR:-127.0.0.1}:8080:80"),
    ("${BIND_ADDR-[::]}:8080:80", "${BIND_ADDR:-[::1]}:8080:80"),
], ids=["host:container", "container only", "container with protocol", "wildcard v4", "wildcard v6", "range", "port variable", "bare port variable", "address default", "v6 address default"])
def test_bind_short_port(spec: str, new: str) -> None:
    assert bind_short_port(spec).new == new


@pytest.mark.parametrize("spec", ["127.0.0.1:80:80", "[::1]:80:80", "localhost:80:80", "10.0.0.5:80:80", "${ADDR:-127.0.0.1}:80:80", "${ADDR:-10.1.1.1}:80:80"],
                         ids=["loopback v4", "loopback v6", "localhost", "specific", "loopback default", "specific default"])
def test_already_bound_or_specific_is_left_alone(spec: str) -> None:
    binding = bind_short_port(spec)
    assert binding.new is None and binding.reason is None


@pytest.mark.parametrize("spec", ["${EXTRA_PORT_SPEC}", "$SPEC", "${BIND_ADDR}:80:80", "$HOST_IP:80:80", "${HOST_IP}:80", "${BIND:-10.0.0.1}:80", "::1:80:80"],
                         ids=["whole spec", "whole spec bare", "address no default", "bare address", "address in host-port place", "address default in host-port place", "unbracketed ipv6"])
def test_unsafe_to_guess_gives_a_reason(spec: str) -> None:
    binding = bind_short_port(spec)
    assert binding.new is None and binding.reason


@pytest.mark.parametrize("value,new", [("0.0.0.0", "127.0.0.1"), ("", "127.0.0.1"), ("::", "::1"), ("${IP:-0.0.0.0}", "${IP:-127.0.0.1}")],
                         ids=["v4 wildcard", "empty", "v6 wildcard", "variable default"])
def test_bind_host_ip(value: str, new: str) -> None:
    assert bind_host_ip(value).new == new


def test_variable_parsing() -> None:
    assert Variable.parse("${A:-x}") == Variable("A", ":-", "x")
    assert Variable.parse("$A") == Variable("A", None, None)
    assert Variable.parse("${A:?required}").default is None
    assert Variable.parse("x${A}") is None
