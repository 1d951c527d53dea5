"""The phase-2 Compose rules, imported by module so these tests do not depend on the rest of the catalog."""
from __future__ import annotations

import importlib

MODULES = (
    "compose_healthcheck", "compose_depends_on", "compose_healthcheck_test", "compose_version_key",
    "compose_image_tags", "compose_restart_policy", "compose_log_rotation", "compose_credentials",
    "compose_install_at_start", "compose_no_new_privileges", "compose_capabilities", "compose_read_only",
    "compose_healthcheck_probe", "compose_healthcheck_variables",
)
RULES = [importlib.import_module(f"dockwright.transforms.{name}").RULE for name in MODULES]
BY_CODE = {rule.code: rule for rule in RULES}
