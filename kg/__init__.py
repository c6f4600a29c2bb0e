"""union-kg: offline, evidence-keeping knowledge graphs from Chinese trade-union news."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
