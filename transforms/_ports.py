"""Reading Compose port specs from their source text, with ``${...}`` kept opaque."""
from __future__ import annotations

import re
from dataclasses import dataclass

LOOPBACK_V4 = "127.0.0.1"
LOOPBACK_V6 = "[::1]"
WILDCARDS = {"", "0.0.0.0", "[::]", "::"}
ADDRESS_WORDS = re.compile(r"ADDR|HOST|(^|_)IP($|_)|BIND|LISTEN|INTERFACE", re.I)
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+=])(?P<default>.*))?\}$|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)$", re.S)


def split_outside(spec: str, separator: str = ":") -> list[str]:
    """Split on ``separator`` outside ``${...}``, ``$NAME`` and ``[...]``; ``$$`` is a literal dollar."""
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(spec):
        char = spec[index]
        if char == "$" and spec.startswith("$$", index):
            current.append("$$")
            index += 2
            continue
        if char == "$" and spec.startswith("${", index):
            end = _closing_brace(spec, index + 2)
            current.append(spec[index:end])
            index = end
            continue
        if char == "[":
            end = spec.find("]", index)
            end = len(spec) if end == -1 else end + 1
            current.append(spec[index:end])
            index = end
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _closing_brace(spec: str, index: int) -> int:
    depth = 1
    while index < len(spec):
        if spec.startswith("${", index):
            depth += 1
            index += 2
            continue
        if spec[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(spec)


@dataclass(frozen=True)
class Variable:
    name: str
    operator: str | None  # ":-", "-", ":?", ...
    default: str | None

    @classmethod
    def parse(cls, text: str) -> Variable | None:
        match = VARIABLE.match(text)
        if match is None:
            return None
        if match.group("bare"):
            return cls(match.group("bare"), None, None)
        operator = match.group("op")
        default = match.group("default") if operator in (":-", "-") else None
        return cls(match.group("name"), operator, default)

    @property
    def may_hold_address(self) -> bool:
        if ADDRESS_WORDS.search(self.name):
            return True
        return self.default is not None and ("." in self.default or ":" in self.default)

    def with_default(self, default: str) -> str:
        return "${" + self.name + ":-" + default + "}"


def is_loopback(host: str) -> bool:
    host = host.strip()
    return host.startswith("127.") or host in ("[::1]", "::1", "localhost")


@dataclass(frozen=True)
class Binding:
    """What to do with one short-syntax port: ``new`` text, or ``reason`` to leave it."""

    new: str | None = None
    reason: str | None = None


def bind_short_port(spec: str) -> Binding:
    parts = split_outside(spec)
    if len(parts) == 1:
        if Variable.parse(parts[0]) is not None:
            return Binding(reason=f"whole port spec comes from {parts[0]}; cannot enforce loopback binding")
        return Binding(new=f"{LOOPBACK_V4}::{spec}")
    if len(parts) == 2:
        return _bind_host_port(spec, parts[0])
    if len(parts) == 3:
        return _bind_address(parts)
    return Binding(reason=f"cannot read port spec {spec!r} (an IPv6 address must be in brackets)")


def _bind_host_port(spec: str, host_port: str) -> Binding:
    variable = Variable.parse(host_port)
    if variable is not None and variable.may_hold_address:
        return Binding(reason=f"host part {host_port} may hold an address; cannot enforce loopback binding")
    return Binding(new=f"{LOOPBACK_V4}:{spec}")


def _bind_address(parts: list[str]) -> Binding:
    address, rest = parts[0], ":".join(parts[1:])
    if address.strip() in WILDCARDS:
        loopback = LOOPBACK_V6 if address.strip() in ("[::]", "::") else LOOPBACK_V4
        return Binding(new=f"{loopback}:{rest}")
    variable = Variable.parse(address)
    if variable is None:
        return Binding()  # already loopback or a specific address: the user chose it
    if variable.default is None:
        return Binding(reason=f"host address comes from {address} with no default; cannot enforce loopback binding")
    if variable.default.strip() in WILDCARDS:
        loopback = LOOPBACK_V6 if variable.default.strip() in ("[::]", "::") else LOOPBACK_V4
        return Binding(new=f"{variable.with_default(loopback)}:{rest}")
    return Binding()


def bind_host_ip(host_ip: str) -> Binding:
    """The long syntax's ``host_ip`` value."""
    host_ip = host_ip.strip()
    if host_ip in ("0.0.0.0", ""):
        return Binding(new=LOOPBACK_V4)
    if host_ip in ("::", "[::]"):
        return Binding(new="::1")
    variable = Variable.parse(host_ip)
    if variable is None:
        return Binding()
    if variable.default is None:
        return Binding(reason=f"host_ip comes from {host_ip} with no default; cannot enforce loopback binding")
    if variable.default.strip() in WILDCARDS:
        return Binding(new=variable.with_default("::1" if ":" in variable.default else LOOPBACK_V4))
    return Binding()
