"""A real Neo4j for development and CI: fetched from Maven Central, run in one JVM.

Neo4j Community 5.26 (LTS, runs on Java 17) is resolved by Maven from
``kg/data/neo4j/pom.xml`` into the usual local repository (``~/.m2``, so the
first start downloads about 150 MB and later starts are offline). A tiny Java
launcher (``kg/data/neo4j/Neo4jLauncher.java``, run by Java's single-file
source launcher, no build step) starts the embedded DBMS with Bolt on a
loopback port and authentication on; the password goes to the JVM through its
environment, never its command line.

Layout of ``config.home`` (default ``.neo4j/`` in the working directory)::

    classpath-<pom hash>.txt    the resolved classpath (re-resolved when the pom changes)
    <port>/neo4j.conf           written on every start from the config
    <port>/neo4j.pid            written by the launcher once the password is set
    <port>/password             the server's password, mode 0600 (random unless one was given)
    <port>/neo4j.out            the JVM's stdout and stderr
    <port>/data/, <port>/logs/  Neo4j's own folders (debug.log is in logs/)

Each server has its own random password unless one is given: :func:`start`
stores it beside the server's data, readable only by its owner, and
:func:`local_password` is how ``kg load``, ``kg query`` and the tests find it.

Nothing here prints or reads the environment: :func:`start`, :func:`stop` and
:func:`status` return :class:`~kg.models.Neo4jServerStatus` or raise
:class:`~kg.errors.StoreError`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import ConnectionFailed, StoreError
from kg.models import Neo4jServerConfig, Neo4jServerStatus
from kg.resources import package_data
from kg.store.browser_guide import browser_jar, guide_html, guide_url, write_browser_zip
from kg.store.queries import load_queries

__all__ = ["admin_command", "instance_dir", "local_password", "password_file", "resolve_classpath", "start", "status",
           "stop", "write_conf"]

NEO4J_VERSION = "5.26.30"

# Flags that Neo4j's own launcher passes on Java 17 (neo4j.conf, server.jvm.additional).
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)

_LAUNCHER_CLASS = "Neo4jLauncher"
#: neo4j-admin's entry point (org.neo4j:neo4j-command-line; its import command is org.neo4j:neo4j-import-tool,
#: both on the server's classpath)
_ADMIN_CLASS = "org.neo4j.cli.AdminTool"


def instance_dir(config: Neo4jServerConfig) -> Path:
    """The folder of the server on ``config.port`` (data, logs, pid file)."""
    return Path(config.home).expanduser().resolve() / str(config.port)


def password_file(config: Neo4jServerConfig) -> Path:
    """Where the password of the server on ``config.port`` is stored (mode 0600)."""
    return instance_dir(config) / "password"


def _stored_password(path: Path) -> str | None:
    try:
        password = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return password or None


def _with_password(config: Neo4jServerConfig) -> Neo4jServerConfig:
    """*config* with its password: the one given, else the stored one, else a new random one (not stored yet)."""
    if config.password:
        return config
    password = _stored_password(password_file(config)) or secrets.token_urlsafe(24)
    return config.model_copy(update={"password": password})


def _store_password(config: Neo4jServerConfig) -> Path:
    """Write the password beside the server's data, readable and writable by its owner only."""
    path = password_file(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".password.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (str(config.password) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def local_password(uri: str, home: str | Path) -> str | None:
    """The password `kg neo4j start` stored for the server *uri* names, when it is a loopback
    Bolt address with a server of that port under *home*; else None.

    >>> local_password("bolt://example.org:7687", ".neo4j") is None
    True
    """
    try:
        parts = urlsplit(uri)
        port = parts.port or 7687
    except ValueError:
        return None
    if parts.scheme not in ("bolt", "neo4j") or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    return _stored_password(password_file(Neo4jServerConfig(home=str(home), port=port)))


def _pid_file(config: Neo4jServerConfig) -> Path:
    return instance_dir(config) / "neo4j.pid"


def _log_file(config: Neo4jServerConfig) -> Path:
    return instance_dir(config) / "neo4j.out"


def resolve_classpath(config: Neo4jServerConfig, *, timeout: float = 1800.0) -> str:
    """Resolve Neo4j's classpath with Maven (cached per pom content under ``config.home``)."""
    pom = package_data("neo4j", "pom.xml")
    digest = hashlib.sha1(pom.read_bytes()).hexdigest()[:12]
    home = Path(config.home).expanduser().resolve()
    cache = home / f"classpath-{digest}.txt"
    if cache.is_file():
        cp = cache.read_text(encoding="utf-8").strip()
        # A cleaned ~/.m2 makes the cache stale: resolve again rather than fail in Java.
        if cp and all(Path(p).is_file() for p in cp.split(os.pathsep)):
            return cp
    home.mkdir(parents=True, exist_ok=True)
    # a unique name: two `kg neo4j start` on one home (two ports) resolve at the same time
    fd, tmp_name = tempfile.mkstemp(prefix=f".{cache.name}.", suffix=".tmp", dir=home)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # Maven writes the file; its absence afterwards means Maven failed
    cmd = [config.maven, "-B", "-q", "-f", str(pom), "dependency:build-classpath", f"-Dmdep.outputFile={tmp}"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise StoreError(
            f"`{config.maven}` not found: install Maven (apt-get install maven) and Java 17, "
            "or point --uri at a Neo4j 5.x you run yourself"
        ) from None
    except subprocess.TimeoutExpired:
        raise StoreError(
            f"Maven did not resolve Neo4j within {timeout:.0f} s; check that Maven Central is reachable "
            "and run `kg neo4j start` again (downloads resume from ~/.m2)"
        ) from None
    if proc.returncode != 0 or not tmp.is_file():
        tail = " | ".join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
        raise StoreError(
            f"Maven could not fetch Neo4j {NEO4J_VERSION} ({tail or f'exit code {proc.returncode}'}); "
            "check that Maven Central is reachable and run `kg neo4j start` again"
        )
    tmp.replace(cache)
    return cache.read_text(encoding="utf-8").strip()


def _conf_text(config: Neo4jServerConfig) -> str:
    address = f"{config.host}:{config.port}"
    settings = {
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": address,
        "server.bolt.advertised_address": address,
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "server.memory.pagecache.size": config.pagecache,
        # A scratch server: keep transaction logs from piling up over benchmark runs.
        "db.tx_log.rotation.retention_policy": "256M size",
        # Only loopback traffic: never phone home.
        "dbms.usage_report.enabled": "false",
    }
    if config.browser_port:
        http = f"{config.host}:{config.browser_port}"
        guide = guide_url(config.host, config.browser_port)
        settings |= {
            # Neo4j Browser on the HTTP connector (auth stays on: Browser logs in over Bolt)
            "server.http.enabled": "true",
            "server.http.listen_address": http,
            "server.http.advertised_address": http,
            # the Browser zip with the saved-query guide (kg.store.browser_guide)
            "internal.dbms.web_dir_path": str(instance_dir(config) / "web"),
            # after login Browser opens the guide; :play may fetch it from this server only
            "browser.post_connect_cmd": f"play {guide}",
            "browser.remote_content_hostname_whitelist": f"{config.host},localhost",
            "client.allow_telemetry": "false",
        }
    lines = ["# Written by kg.store.neo4j_server on every start; edit the options of `kg neo4j start` instead."]
    lines += [f"{k}={v}" for k, v in settings.items()]
    return "\n".join(lines) + "\n"


def write_conf(config: Neo4jServerConfig) -> Path:
    """Write ``<home>/<port>/neo4j.conf`` for *config* (the server and neo4j-admin read it) and return it."""
    path = instance_dir(config) / "neo4j.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_conf_text(config), encoding="utf-8")
    return path


def admin_command(config: Neo4jServerConfig, classpath: str) -> list[str]:
    """The command line of ``neo4j-admin`` from the server's classpath (arguments follow it).

    Run it with ``NEO4J_HOME`` and ``NEO4J_CONF`` set to :func:`instance_dir`:
    it then works on this server's databases (``data/databases/``).
    """
    return [config.java, "-Xms256m", f"-Xmx{config.heap}", *_JVM_FLAGS, "-cp", classpath, _ADMIN_CLASS]


def _read_pid(config: Neo4jServerConfig) -> int | None:
    try:
        return int(_pid_file(config).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _is_our_jvm(pid: int) -> bool:
    """True if *pid* is alive and is a launcher JVM (guards against a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the pid file
    return _LAUNCHER_CLASS.encode() in cmdline


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _log_tail(path: Path, n: int = 6) -> str:
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return " | ".join(lines[-n:])


def _bolt_version(config: Neo4jServerConfig) -> str:
    """Connect with the configured credentials; return the server agent, or raise the driver's error."""
    import neo4j  # lazy: the driver loads only when the server is checked

    with neo4j.GraphDatabase.driver(
        config.uri, auth=(config.user, config.password), connection_timeout=3.0, max_connection_pool_size=1
    ) as driver:
        info = driver.get_server_info()
        return str(info.agent)


def _served_browser_url(config: Neo4jServerConfig) -> str:
    """Neo4j Browser's URL as the running server's neo4j.conf says (it may differ from *config*'s default)."""
    try:
        conf = (instance_dir(config) / "neo4j.conf").read_text(encoding="utf-8")
    except OSError:
        return ""
    settings = dict(line.split("=", 1) for line in conf.splitlines() if "=" in line and not line.startswith("#"))
    if settings.get("server.http.enabled") != "true" or "server.http.listen_address" not in settings:
        return ""
    return f"http://{settings['server.http.listen_address']}/browser/"


def status(config: Neo4jServerConfig) -> Neo4jServerStatus:
    """Report whether the server of *config* runs (its pid file names a live launcher JVM)."""
    config = _with_password(config)
    pid = _read_pid(config)
    running = pid is not None and _is_our_jvm(pid)
    version = ""
    if running:
        try:
            version = _bolt_version(config)
        except Exception:  # noqa: BLE001 - status is informative; start/load raise the real error
            version = ""
    return Neo4jServerStatus(
        running=running,
        uri=config.uri,
        browser_url=_served_browser_url(config) if running else "",
        pid=pid if running else None,
        instance_dir=str(instance_dir(config)),
        log_file=str(_log_file(config)),
        version=version,
        password_file=str(password_file(config)) if password_file(config).is_file() else "",
    )


def start(config: Neo4jServerConfig) -> Neo4jServerStatus:
    """Start Neo4j for *config* unless it already runs; return once Bolt accepts the password.

    Without a password in *config*, a server started before keeps the one
    stored beside its data, and a new server gets a random one; either way it
    is stored there (mode 0600, :func:`password_file`) before the server starts.

    Raises :class:`StoreError` when Maven or Java fail, the port is taken by
    another program, or Bolt does not answer within ``config.start_timeout``.
    """
    config = _with_password(config)
    current = status(config)
    if current.running:
        _wait_for_bolt(config, proc=None, deadline=time.monotonic() + config.start_timeout)
        return status(config)
    if _port_open(config.host, config.port):
        raise StoreError(
            f"port {config.port} on {config.host} is taken by another program (not a `kg neo4j` server "
            f"of {config.home}); stop it, or start on another port with --port and set NEO4J_URI to match"
        )
    classpath = resolve_classpath(config)
    inst = instance_dir(config)
    inst.mkdir(parents=True, exist_ok=True)
    write_conf(config)
    _store_password(config)  # the launcher sets exactly this password on every start
    if config.browser_port:
        if _port_open(config.host, config.browser_port):
            raise StoreError(
                f"HTTP port {config.browser_port} on {config.host} (Neo4j Browser) is taken by another program; "
                "pick another with --http-port, or --http-port 0 for Bolt only"
            )
        write_browser_zip(browser_jar(classpath, os.pathsep), inst / "web", guide_html(load_queries().values()))
    _pid_file(config).unlink(missing_ok=True)
    launcher = package_data("neo4j", f"{_LAUNCHER_CLASS}.java")
    cmd = [
        config.java,
        "-Xms256m",
        f"-Xmx{config.heap}",
        *_JVM_FLAGS,
        "-cp",
        classpath,
        str(launcher),
        "--home", str(inst),
        "--conf", str(inst / "neo4j.conf"),
        "--pid-file", str(_pid_file(config)),
    ]
    # The JVM needs PATH/JAVA_HOME; the password travels in its environment, not on `ps`.
    env = {**os.environ, "NEO4J_PASSWORD": str(config.password)}
    log = _log_file(config).open("ab")
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
            cwd=inst, start_new_session=True,  # outlives `kg neo4j start`; Ctrl-C there does not kill it
        )
    except FileNotFoundError:
        raise StoreError(f"`{config.java}` not found: install Java 17 (apt-get install openjdk-17-jre-headless)") from None
    finally:
        log.close()
    try:
        _wait_for_bolt(config, proc=proc, deadline=time.monotonic() + config.start_timeout)
    except BaseException:
        if proc.poll() is None:
            _terminate(proc.pid, timeout=30.0)
        raise
    return status(config).model_copy(update={"started": True})


def _wait_for_bolt(config: Neo4jServerConfig, *, proc: subprocess.Popen | None, deadline: float) -> None:
    """Wait for the launcher's signal that the password is set (its pid file), then log in once.

    Until the launcher has run ``ALTER USER``, the server still has its initial
    password: a login then fails, and Neo4j counts it (after 3 failures it refuses
    every login for 5 s, the right password included). So this never logs in
    before the pid file exists: it only watches the file and the process, which
    costs the server nothing. The login afterwards backs off while Bolt is not
    listening yet or an old rate limit still holds; a refused password is final.
    """
    import neo4j  # noqa: F401  # lazy, as in _bolt_version(), but loaded while the JVM starts, not after

    pid_file = _pid_file(config)
    pause = 0.05
    while not pid_file.is_file():
        _check_alive(config, proc)
        if time.monotonic() > deadline:
            raise StoreError(
                f"Neo4j on {config.uri} did not finish starting within {config.start_timeout:.0f} s (its launcher "
                f"has not set the password yet; no {pid_file}); see {_log_file(config)}, "
                "or raise --timeout on a slow machine"
            )
        time.sleep(pause)
        pause = min(pause * 1.5, 0.5)
    _log_in(config, proc=proc, deadline=deadline)


def _check_alive(config: Neo4jServerConfig, proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is not None:
        raise StoreError(
            f"Neo4j exited during start (exit code {proc.returncode}): {_log_tail(_log_file(config))}; "
            f"see {_log_file(config)} and {instance_dir(config) / 'logs' / 'debug.log'}"
        )


def _log_in(config: Neo4jServerConfig, *, proc: subprocess.Popen | None, deadline: float) -> None:
    """Log in over Bolt (the password is set): retry with back-off while Bolt is not up or rate-limited."""
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable  # lazy: as in _bolt_version()

    pause = 0.1
    while True:
        try:
            _bolt_version(config)
            return
        except AuthError:
            raise ConnectionFailed(
                f"the Neo4j on {config.uri} (from {instance_dir(config)}) refuses the password; "
                "run `kg neo4j stop` and start it again with the password you want"
            ) from None
        except (ServiceUnavailable, Neo4jError, OSError) as exc:
            last = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        _check_alive(config, proc)
        if time.monotonic() > deadline:
            raise StoreError(
                f"Neo4j did not answer on {config.uri} within {config.start_timeout:.0f} s ({last}); "
                f"see {_log_file(config)}, or raise --timeout on a slow machine"
            )
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def _terminate(pid: int, *, timeout: float) -> None:
    """SIGTERM (the launcher's shutdown hook stops Neo4j cleanly), then SIGKILL after *timeout*."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while _alive(pid):
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        # Reap it if it is our child, so that it does not linger as a zombie.
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
        return state != "Z"
    except (OSError, IndexError):
        return True


def stop(config: Neo4jServerConfig, *, timeout: float = 60.0) -> bool:
    """Stop the server of *config*; True if one was running. Waits for a clean shutdown."""
    pid = _read_pid(config)
    if pid is None or not _is_our_jvm(pid):
        _pid_file(config).unlink(missing_ok=True)
        return False
    _terminate(pid, timeout=timeout)
    _pid_file(config).unlink(missing_ok=True)
    return True


def kill(config: Neo4jServerConfig) -> bool:
    """SIGKILL the server of *config* (no clean shutdown): for fault tests of the loader."""
    pid = _read_pid(config)
    if pid is None or not _is_our_jvm(pid):
        return False
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.05)
    _pid_file(config).unlink(missing_ok=True)
    return True
