"""`kg neo4j start|stop|status` and the loader under faults, on a server these tests own.

They start a second Neo4j on a free loopback port in a temporary folder (the
Maven download is cached in ~/.m2), so killing it never disturbs the shared
test server.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.bench.synth import synthetic_graph
from kg.cli import app
from kg.errors import ConnectionFailed, StoreError
from kg.models import Neo4jServerConfig
from kg.store.neo4j_loader import connect, load_graph
from kg.store.neo4j_server import _wait_for_bolt, instance_dir, kill, start, status, stop

pytestmark = pytest.mark.neo4j
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def own_server(java_and_maven: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServerConfig]:
    config = Neo4jServerConfig(home=str(tmp_path_factory.mktemp("neo4j-home")), port=_free_port(),
                               password="own-server-pw", heap="512m", pagecache="64m")
    try:
        st = start(config)
    except StoreError as exc:
        pytest.fail(f"could not start a Neo4j of our own: {exc}")
    assert st.running and st.started
    yield config
    stop(config)


def test_neo4j_server_status_start_again_and_stop(own_server: Neo4jServerConfig) -> None:
    st = status(own_server)
    assert st.running and st.pid and st.version.startswith("Neo4j/5.26")
    again = start(own_server)  # already running: returns at once, starts nothing
    assert again.running and not again.started and again.pid == st.pid
    assert Path(st.instance_dir, "neo4j.conf").read_text().count("127.0.0.1") >= 1


def test_neo4j_server_refuses_a_taken_port(java_and_maven: None, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        config = Neo4jServerConfig(home=str(tmp_path), port=s.getsockname()[1])
        with pytest.raises(StoreError, match="taken by another program"):
            start(config)


def test_neo4j_server_stop_when_not_running(tmp_path: Path) -> None:
    config = Neo4jServerConfig(home=str(tmp_path), port=_free_port())
    assert stop(config) is False
    assert not status(config).running


def test_neo4j_server_cli_status(own_server: Neo4jServerConfig, tmp_path: Path) -> None:
    args = ["neo4j", "status", "--home", own_server.home, "--port", str(own_server.port), "--json"]
    result = runner.invoke(app, args, env={"NEO4J_PASSWORD": own_server.password})
    assert result.exit_code == 0, result.stderr
    assert '"running": true' in result.stdout
    result = runner.invoke(app, ["neo4j", "status", "--home", str(tmp_path), "--port", str(_free_port())])
    assert result.exit_code == 1 and "not running" in result.stderr


def test_neo4j_server_wrong_password_is_real(own_server: Neo4jServerConfig) -> None:
    with pytest.raises(ConnectionFailed, match="password"):
        connect(own_server.uri, "neo4j", "unionkg-test")
    connect(own_server.uri, "neo4j", own_server.password).close()


def test_neo4j_server_start_waits_for_the_password_without_logging_in(own_server: Neo4jServerConfig) -> None:
    """Until the launcher has set the password (its pid file), the start-up wait does not log in: the
    server still has its initial password then, and Neo4j would lock every login after 3 failures."""
    pid_file = instance_dir(own_server) / "neo4j.pid"
    pid = pid_file.read_text()
    pid_file.unlink()  # as before the launcher has run ALTER USER
    not_yet = own_server.model_copy(update={"password": "the-initial-password", "start_timeout": 3.0})
    try:
        with pytest.raises(StoreError, match="has not set the password yet.*raise --timeout"):
            _wait_for_bolt(not_yet, proc=None, deadline=time.monotonic() + 3.0)
    finally:
        pid_file.write_text(pid)
    # had the wait tried that password over and over, this login would be refused for 5 s (rate limit)
    connect(own_server.uri, "neo4j", own_server.password, max_retry_time=0.0).close()
    # once the pid file is there, a password the server refuses is reported at once, with what to do
    with pytest.raises(ConnectionFailed, match="refuses the password.*kg neo4j stop"):
        _wait_for_bolt(not_yet, proc=None, deadline=time.monotonic() + 30.0)
    connect(own_server.uri, "neo4j", own_server.password, max_retry_time=0.0).close()


def test_neo4j_server_killed_mid_load_then_reload_completes(own_server: Neo4jServerConfig) -> None:
    """The server dies in the middle of a load: one clear error; after a restart the
    same load completes, and nothing is duplicated."""
    graph = synthetic_graph(3000, seed=7)
    evidence = sum(len(r.evidence) for r in graph.rels)
    driver = connect(own_server.uri, "neo4j", own_server.password, max_retry_time=2.0)
    batches = {"n": 0}

    def kill_after_some(stage: str, done: int, total: int) -> None:
        if stage == "relationships":
            batches["n"] += 1
            if batches["n"] == 3:
                kill(own_server)

    try:
        with pytest.raises(ConnectionFailed) as info:
            load_graph(driver, graph, batch_size=250, progress=kill_after_some)
    finally:
        driver.close()
    message = str(info.value)
    assert "kg neo4j start" in message and "re-run" in message and "\n" not in message

    start(own_server)
    driver = connect(own_server.uri, "neo4j", own_server.password)
    try:
        report = load_graph(driver, graph, batch_size=250)
        # some relationships survived the crash, so the re-run creates only the rest
        assert 0 < report.rels_created < len(graph.rels)
        records, _, _ = driver.execute_query(
            "MATCH ()-[r]->() WHERE r.ev_keys IS NOT NULL "
            "RETURN count(r) AS rels, sum(r.evidence_count) AS ev, "
            "sum(size(r.ev_keys)) AS keys, sum(size(r.ev_doc_ids)) AS docs"
        )
        row = records[0].data()
        assert row == {"rels": len(graph.rels), "ev": evidence, "keys": evidence, "docs": evidence}
        dupes, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) WHERE r.ev_keys IS NOT NULL WITH a, type(r) AS t, b, count(*) AS c "
            "WHERE c > 1 RETURN count(*) AS n"
        )
        assert dupes[0]["n"] == 0
        nodes, _, _ = driver.execute_query("MATCH (n) WHERE n.name IS NOT NULL RETURN count(n) AS n")
        assert nodes[0]["n"] == len(graph.nodes)
        assert not load_graph(driver, graph).changed
    finally:
        driver.close()


def test_neo4j_server_random_password_stored_0600_and_read_back(java_and_maven: None, tmp_path: Path) -> None:
    """A new server gets a random password stored beside its data (0600); kg load and kg neo4j status
    find it with no password given; a restart keeps it; --password still sets one."""
    home, port = tmp_path / "home", _free_port()
    uri = f"bolt://127.0.0.1:{port}"
    no_pw = {"NEO4J_PASSWORD": None, "KG_NEO4J_HOME": None}
    args = ["neo4j", "start", "--home", str(home), "--port", str(port), "--heap", "512m", "--pagecache", "64m"]
    result = runner.invoke(app, args, env=no_pw)
    try:
        assert result.exit_code == 0, result.stderr
        stored = home / str(port) / "password"
        assert stored.stat().st_mode & 0o777 == 0o600
        password = stored.read_text().strip()
        assert len(password) >= 24 and password != "unionkg-test"
        assert f"password stored in {stored}" in result.stderr and password not in result.stderr + result.stdout
        connect(uri, "neo4j", password).close()

        articles = tmp_path / "in"
        articles.mkdir()
        (articles / "a.txt").write_text("本报讯 某县总工会主席林晓带队走访青禾公司，慰问一线职工。\n", encoding="utf-8")
        out = tmp_path / "out"
        assert runner.invoke(app, ["extract", str(articles), "--out", str(out), "--extractor", "rules", "-q"]).exit_code == 0
        loaded = runner.invoke(app, ["load", str(out), "--uri", uri, "--neo4j-home", str(home), "--quiet"], env=no_pw)
        assert loaded.exit_code == 0, loaded.stderr
        refused = runner.invoke(app, ["load", str(out), "--uri", uri, "--neo4j-home", str(tmp_path), "--quiet"],
                                env=no_pw)  # no stored password there: refused, and the message says where kg looks
        assert refused.exit_code == 1 and "<home>/<port>/password" in refused.stderr

        stop_args = ["neo4j", "stop", "--home", str(home), "--port", str(port)]
        assert runner.invoke(app, stop_args).exit_code == 0
        assert runner.invoke(app, args, env=no_pw).exit_code == 0  # restarted: the stored password stays
        assert stored.read_text().strip() == password
        status = runner.invoke(app, ["neo4j", "status", "--home", str(home), "--port", str(port), "--json"], env=no_pw)
        assert status.exit_code == 0 and '"version": "Neo4j/5.26' in status.stdout

        assert runner.invoke(app, stop_args).exit_code == 0
        chosen = runner.invoke(app, args, env={**no_pw, "NEO4J_PASSWORD": "chosen-password-1"})
        assert chosen.exit_code == 0, chosen.stderr
        assert stored.read_text().strip() == "chosen-password-1"
        connect(uri, "neo4j", "chosen-password-1").close()
    finally:
        runner.invoke(app, ["neo4j", "stop", "--home", str(home), "--port", str(port)])
