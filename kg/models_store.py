"""Models of the Neo4j server that ``kg neo4j start`` runs (part of :mod:`kg.models`, which re-exports them)."""

from __future__ import annotations

from pydantic import Field

from kg.models_base import Frozen

__all__ = ["Neo4jConfig", "Neo4jServerConfig", "Neo4jServerStatus"]


class Neo4jServerConfig(Frozen):
    """How ``kg neo4j start`` runs its Neo4j (see :mod:`kg.store.neo4j_server`).

    ``home`` holds the Maven classpath cache and one folder per port
    (``<home>/<port>/``: data, logs, ``neo4j.conf``, pid file, JVM output).
    ``http_port`` serves Neo4j Browser (0: no HTTP at all; None: 7474 beside
    the default Bolt port 7687, else the Bolt port + 1).
    """

    home: str = ".neo4j"
    host: str = "127.0.0.1"
    port: int = Field(default=7687, ge=1, le=65535)
    http_port: int | None = Field(default=None, ge=0, le=65535)
    user: str = "neo4j"
    #: None: the password stored beside the server's data (``<home>/<port>/password``), else a new random one
    password: str | None = Field(default=None, min_length=8)
    heap: str = "1g"
    pagecache: str = "256m"
    start_timeout: float = 300.0
    java: str = "java"
    maven: str = "mvn"

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    @property
    def browser_port(self) -> int:
        """The HTTP port Neo4j Browser is served on (0: none)."""
        if self.http_port is not None:
            return self.http_port
        return 7474 if self.port == 7687 else (self.port + 1 if self.port < 65535 else 0)

    @property
    def browser_url(self) -> str:
        """Where Neo4j Browser opens (empty when HTTP is off)."""
        return f"http://{self.host}:{self.browser_port}/browser/" if self.browser_port else ""


class Neo4jServerStatus(Frozen):
    """Whether the Neo4j of a :class:`Neo4jServerConfig` runs, and where to look."""

    running: bool
    uri: str
    browser_url: str = ""  # Neo4j Browser (HTTP), when the server serves it
    pid: int | None = None
    instance_dir: str
    log_file: str
    version: str = ""
    started: bool = False  # True when this call started it (False: it was already running)
    password_file: str = ""  # where the server's password is stored (mode 0600), once `start` has stored it


class Neo4jConfig(Frozen):
    """Where :func:`kg.store.neo4j_loader.load_graph` connects when it is not handed a driver."""

    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str = ""


class ImportReport(Frozen):
    """What ``kg neo4j import`` wrote (:func:`kg.store.neo4j_import.import_folder`)."""

    uri: str
    folder: str
    documents: int = 0
    nodes: int = 0
    mentions: int = 0
    relationships: int = 0
    evidence: int = 0
    #: lists CSV cannot hold (empty ones), set over Bolt after the import
    fixups: int = 0
    constraints_created: int = 0
    #: the database held this many nodes and --overwrite replaced it
    replaced_nodes: int = 0
    #: seconds of neo4j-admin's import alone, and of the whole command (stop, import, start, schema, derive)
    import_seconds: float = 0.0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    report_file: str = ""
