"""The catalog of fixes: one module per fix (or tight family), registered by being here."""
from __future__ import annotations

import importlib
import pkgutil

from dockwright.fixes import Rule


def all_rules() -> list[Rule]:
    rules: list[Rule] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found = getattr(module, "RULES", None) or ([module.RULE] if hasattr(module, "RULE") else [])
        rules.extend(found)
    return sorted(rules, key=lambda r: r.code)
