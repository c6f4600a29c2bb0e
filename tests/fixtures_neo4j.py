"""Fixtures for the neo4j store (owned by its module's tests)."""
