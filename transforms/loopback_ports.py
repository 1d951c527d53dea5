"""Bind published ports to 127.0.0.1 in dev and staging Compose files.

## What it does
Rewrites every published port of a dev or staging Compose file so that it listens on
the loopback interface only. Short syntax (`"3000:3000"`, unquoted `3000:3000`, a bare
`"9229"`, `"0.0.0.0:80:80"`, ranges, `/udp`, `${PORT:-3000}:3000`, `"[::]:80:80"`) gets a
`127.0.0.1:` (or `[::1]:`) host address; the long syntax gets `host_ip: 127.0.0.1`.

## Why
Docker publishes ports on every interface by default, and its NAT rules run before a
host firewall such as UFW. A database port "for debugging" on a staging box is then
reachable from the internet. Binding to loopback keeps `localhost:PORT` working for
the developer and closes the port to everyone else.

## Example
```yaml
# docker-compose.dev.yml, before
services:
  web:
    ports:
      - "3000:3000"
      - "9229"
      - target: 5432
        published: 5432
# after
services:
  web:
    ports:
      - "127.0.0.1:3000:3000"
      - "127.0.0.1::9229"
      - target: 5432
        published: 5432
        host_ip: 127.0.0.1
```

## Fix safety
Safe. Ports already bound to loopback or to a specific address are left alone. A host
part that is wholly a variable that may hold an address (`${BIND_ADDR}`, `$HOST_IP`),
a whole spec from one variable, ports that come from an anchor shared with other
services, and services with `network_mode: host` are reported, not changed. Prod files
are never touched by this fix.

## Options
Which files count as dev or staging: `[tool.dockwright.environments]` with globs, e.g.
`dev = ["compose.local.yaml"]`.
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import Occurrence, YamlDocument
from dockwright.documents.yaml_edits import add_entries, quote_string, style_of
from dockwright.edits import Edit
from dockwright.fixes import Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._ports import Binding, bind_host_ip, bind_short_port

CODE = "DW101"


def check(doc: YamlDocument, context: Any) -> Iterator[Fix | Notice]:
    quote = doc.quote_char()
    for service in compose.services(doc):
        found = doc.lookup(service.node, "ports")
        if found is None:
            continue
        network_mode = str(service.data.get("network_mode", ""))
        if network_mode == "host":
            yield Notice(CODE, f"{service.name}: network_mode: host ignores ports; the service listens on all host interfaces", service.key.start, ("services", service.name))
            continue
        if network_mode.startswith(("service:", "container:")):
            continue
        ports = found[1]
        if not ports.is_sequence:
            continue
        for index, item in enumerate(ports.items):
            yield from _bind_item(doc, service, index, item, quote)


def _bind_item(doc: YamlDocument, service: compose.Service, index: int, item: Occurrence, quote: str) -> Iterator[Fix | Notice]:
    path = ("services", service.name, "ports", index)
    target = doc.target(item)
    if target.is_mapping:
        yield from _bind_long(doc, service, path, target)
        return
    if not target.is_scalar or target.value in (None, ""):
        return
    spec = target.value
    binding = bind_short_port(spec)
    if binding.reason is not None:
        yield Notice(CODE, f"{service.name}: ports[{index}]: {binding.reason}", item.start, path)
        return
    if binding.new is None or binding.new == spec:
        return
    if item.shared:
        yield Notice(CODE, f"{service.name}: port {spec} comes from an anchor shared with other services; bind it to 127.0.0.1 there", item.start, path)
        return
    text = quote_string(binding.new, target.style if target.style in ("'", '"') else quote)
    yield Fix(CODE, f"{service.name}: bind port {spec} to loopback", (Edit(item.start, item.end, text),), (Change(path, binding.new),), item.start, path)


def _bind_long(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], mapping: Occurrence) -> Iterator[Fix | Notice]:
    data = doc.plain["services"][service.name]["ports"][path[-1]]
    if not isinstance(data, dict) or "target" not in data:
        return
    host_ip = doc.lookup(mapping, "host_ip")
    if host_ip is not None:
        binding = bind_host_ip(str(data.get("host_ip") or ""))
        yield from _replace_host_ip(doc, service, path, mapping, host_ip, binding)
        return
    if mapping.shared:
        yield Notice(CODE, f"{service.name}: port {data['target']} comes from an anchor shared with other services; add host_ip there", mapping.start, path)
        return
    edit = add_entries(doc, mapping, {"host_ip": "127.0.0.1"}, style_of(doc, mapping))
    yield Fix(CODE, f"{service.name}: bind port {data['target']} to loopback (host_ip)", (edit,), (Change((*path, "host_ip"), "127.0.0.1"),), mapping.start, path)


def _replace_host_ip(doc: YamlDocument, service: compose.Service, path: tuple[Any, ...], mapping: Occurrence, host_ip: tuple[Occurrence, Occurrence, bool], binding: Binding) -> Iterator[Fix | Notice]:
    _key, value, owned = host_ip
    if binding.reason is not None:
        yield Notice(CODE, f"{service.name}: {binding.reason}", value.start, path)
        return
    if binding.new is None:
        return
    if not owned or value.shared or not value.is_scalar:
        yield Notice(CODE, f"{service.name}: host_ip comes from an anchor shared with other services; set it to {binding.new} there", value.start, path)
        return
    quote = value.style if value.style in ("'", '"') else doc.quote_char()
    text = binding.new if value.style is None and binding.new == "127.0.0.1" else quote_string(binding.new, quote)
    target = doc.plain["services"][service.name]["ports"][path[-1]].get("target")
    yield Fix(CODE, f"{service.name}: bind port {target} to loopback (host_ip {binding.new})", (Edit(value.start, value.end, text),), (Change((*path, "host_ip"), binding.new),), value.start, path)


RULE = Rule(
    code=CODE,
    name="ports-published-on-all-interfaces",
    phase=1,
    kind="compose",
    applicability=Applicability.SAFE,
    title="Bind published ports to 127.0.0.1",
    check=check,
    doc=__doc__ or "",
    environments=("dev", "staging"),
)
