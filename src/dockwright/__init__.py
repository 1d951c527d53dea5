"""dockwright: production-readiness fixes as minimal, verified diffs."""
from __future__ import annotations

__version__ = "0.1.0"
