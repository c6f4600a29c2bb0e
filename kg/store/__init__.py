"""Stores: where a :class:`~kg.models.GraphData` goes to be queried.

``embedded`` (ladybug, in-process, no server), ``neo4j_loader`` (idempotent
batched loads into Neo4j 5.x), ``neo4j_server`` (a local Neo4j for
development and CI) and ``queries`` (the saved queries of ``queries/``, run
on either engine).
"""
