"""The version of union-kg, in a module of its own: any kg module may import it without importing the package's API."""

from __future__ import annotations

__version__ = "0.1.0"
