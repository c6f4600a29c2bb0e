"""Fixtures for the embedded store (owned by its module's tests)."""
