"""Stores: where a :class:`~kg.models.GraphData` goes to be queried.

``embedded`` (ladybug, in-process, no server) and Neo4j 5.x: ``neo4j_loader``
(idempotent batched loads) over ``load_plan`` (what a load writes, checked
against the ontology), ``neo4j_writer`` (batches in managed transactions) and
``loader_cypher`` (``loaders/*.cypher`` rendered with ontology names);
``neo4j_server`` runs a local Neo4j for development and CI. ``queries`` is the
registry of saved queries (``queries/*.cypher``) that run on either engine.
"""
