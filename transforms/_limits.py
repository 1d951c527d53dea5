"""Resource profiles and "does this service already have limits?" for DW103."""
from __future__ import annotations

from typing import Any

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument

LEGACY_KEYS = ("mem_limit", "memswap_limit", "mem_reservation", "cpus", "pids_limit", "cpu_quota", "cpu_count", "cpu_percent")
PROFILES: dict[str, dict[str, str]] = {
    "database": {"cpus": "1.0", "memory": "1G", "reservation": "256M"},
    "cache": {"cpus": "0.5", "memory": "512M", "reservation": "128M"},
    "app": {"cpus": "1.0", "memory": "1G", "reservation": "256M"},
    "worker": {"cpus": "1.0", "memory": "768M", "reservation": "256M"},
    "prometheus": {"cpus": "1.0", "memory": "2G", "reservation": "512M"},
    "grafana": {"cpus": "0.5", "memory": "512M", "reservation": "128M"},
    "alertmanager": {"cpus": "0.25", "memory": "256M", "reservation": "64M"},
    "exporter": {"cpus": "0.25", "memory": "256M", "reservation": "64M"},
    "admin": {"cpus": "0.25", "memory": "256M", "reservation": "64M"},
    "queue": {"cpus": "1.0", "memory": "1G", "reservation": "256M"},
    "default": {"cpus": "0.5", "memory": "512M", "reservation": "128M"},
}


def profile_for(name: str, service: dict[str, Any], options: dict[str, Any]) -> dict[str, str]:
    """The family profile, then ``families.<family>``, then ``services.<name>`` from config.

    An empty value (``cpus = ""``) leaves that key out.
    """
    family = compose.family(name, service)
    profile = dict(PROFILES.get(family, PROFILES["default"]))
    profile.update({k: str(v) for k, v in options.get("families", {}).get(family, {}).items()})
    profile.update({k: str(v) for k, v in options.get("services", {}).get(name, {}).items()})
    profile["family"] = family
    return profile


def wanted_limits(profile: dict[str, str]) -> dict[str, str]:
    return {key: profile[key] for key in ("cpus", "memory") if profile.get(key)}


def deploy_limits(service: dict[str, Any]) -> dict[str, Any] | None:
    deploy = service.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    limits = resources.get("limits") if isinstance(resources, dict) else None
    return limits if isinstance(limits, dict) else None


def has_limits(doc: YamlDocument, service: dict[str, Any], wanted: dict[str, str], project: Any, depth: int = 0) -> bool:
    """Limits the service has itself, through ``<<`` (already in its data) or through ``extends``."""
    limits = deploy_limits(service)
    if limits is not None and all(key in limits for key in wanted):
        return True
    if all({"cpus": "cpus", "memory": "mem_limit"}[key] in service for key in wanted):
        return True
    if depth > 5 or "extends" not in service:
        return False
    base = compose.extended_service(doc, service, project)
    return isinstance(base, dict) and (has_limits(doc, base, wanted, project, depth + 1) or any(k in base for k in LEGACY_KEYS))


def profile_table() -> str:
    return "\n".join(f"| {family} | {p['cpus']} | {p['memory']} | {p['reservation']} |" for family, p in PROFILES.items())
