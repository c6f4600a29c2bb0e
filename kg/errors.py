"""The error tree of union-kg. Every message says what to do next.

    KgError
     ├── InputError          bad or unreadable input (names the file and line)
     ├── ExtractionFailed    an extractor raised on a document: a bug in kg, not bad input
     ├── OntologyError       a schema file is invalid, or a name is not in the ontology
     ├── ModelError          learned models missing, damaged, or trained for another extractor version
     ├── QueryError          unknown saved query, or a missing / wrong-typed parameter
     ├── StoreError          a graph store (Neo4j or embedded) failed
     │    ├── ConnectionFailed   no server, wrong address, wrong password
     │    │    └── CredentialsRejected  the server answers but refuses the user or password
     │    ├── IncompatibleStore  a database written by another version of kg
     │    └── DatabaseNotEmpty   a bulk import would replace a database that holds data
     ├── OutputError         an output path that cannot be written
     ├── ClusterError        a Dask scheduler that cannot be reached, has no workers, or lost the run
     └── MissingDependency   an optional package (an extra such as ``union-kg[pandas]``) is not installed

The CLI maps ``KgError`` to exit code 1 with its message on one line; usage
errors (bad options) exit with 2; ``kg --debug`` adds the traceback. Any other
exception is a bug and is reported as one (kg/cli/common.py).
"""

from __future__ import annotations


class KgError(Exception):
    """Base of every error kg raises on purpose."""


class InputError(KgError):
    """Input that cannot be read or parsed."""


class ExtractionFailed(KgError):
    """An extractor raised on a document: a bug in kg, reported with the document, never as bad input."""


class OntologyError(KgError):
    """A schema file is invalid, or a type/predicate is not in the ontology."""


class ModelError(KgError):
    """Learned models that cannot be loaded, or that were trained for another extractor version."""


class QueryError(KgError):
    """An unknown saved query, or a missing or wrong-typed parameter."""


class StoreError(KgError):
    """A graph store failed."""


class ConnectionFailed(StoreError):
    """The graph database cannot be reached or refuses the credentials."""


class CredentialsRejected(ConnectionFailed):
    """The server answers but refuses the user or password."""


class IncompatibleStore(StoreError):
    """A database written by another version of kg."""


class DatabaseNotEmpty(StoreError):
    """A bulk import (``kg neo4j import``) would replace a database that holds data."""


class OutputError(KgError):
    """An output path that cannot be written."""


class ClusterError(KgError):
    """A Dask scheduler that cannot be reached, has no workers, or lost the run (``--scheduler``)."""


class MissingDependency(KgError, ImportError):
    """An optional package is not installed; the message names the ``pip install`` that adds it."""
