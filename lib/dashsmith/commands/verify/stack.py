"""A real monitoring stack on 127.0.0.1, in a temp dir, on free ports: PostgreSQL (with
pg_stat_statements and a pgbench read load) and postgres_exporter, node_exporter, the
synthetic exporter, Alertmanager, and Prometheus loading the project's compiled rule files.

Every program comes from Debian's packages. Each child runs in its own process group and gets
a signal when the process that started it dies, so nothing outlives the stack; `stop()` (also
on any failure while starting) ends them all and removes the temp dir.

PostgreSQL refuses to run as root. When the stack is started by root, initdb and postgres run
as the `postgres` account the Debian package creates (or `nobody` where it is missing); the
data directory is owned by that account and clients connect over TCP with trust auth.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO

from dashsmith.commands.verify.workload import Workload
from dashsmith.compiler import serialize
from dashsmith.compiler.build import Build
from dashsmith.compiler.project import Project
from dashsmith.model import durations
from dashsmith.prometheus.api import Alertmanager, Prometheus, Unreachable
from dashsmith.routing import alertmanager as alertmanager_config

DATABASE = "trading"  # the test database pgbench works on
SUPERUSER = "dashsmith"
# Scrape jobs, named as the catalog's exporters: job → (component, its port's name).
JOBS = {"tradingagents": ("exporter", "exporter"), "node": ("node", "node"),
        "postgres": ("postgres", "postgres_exporter")}
# The stack's listening ports, by name: each a free one unless Stack(fixed_ports=) names it.
PORTS = ("prometheus", "alertmanager", "exporter", "node", "postgres", "postgres_exporter")
POSTGRES_EXPORTER_TIMEOUT = 2  # seconds
_PR_SET_PDEATHSIG = 1
_SEARCH_DIRS = ("/usr/sbin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
                "/usr/lib/postgresql/17/bin")

# pg_stat_statements as postgres_exporter's stat_statements collector (0.12+) exports it, for
# the Debian exporter (0.11), which predates the collector but runs extra queries from a file.
STAT_STATEMENTS_QUERIES = """\
pg_stat_statements:
  query: |
    SELECT pg_get_userbyid(userid) AS user, pg_database.datname, pg_stat_statements.queryid,
           pg_stat_statements.calls AS calls_total,
           pg_stat_statements.total_exec_time / 1000.0 AS seconds_total,
           pg_stat_statements.rows AS rows_total
    FROM pg_stat_statements JOIN pg_database ON pg_database.oid = pg_stat_statements.dbid
    WHERE total_exec_time > (SELECT percentile_cont(0.1) WITHIN GROUP (ORDER BY total_exec_time)
                             FROM pg_stat_statements)
    ORDER BY seconds_total DESC LIMIT 100
  master: true
  metrics:
    - user: {usage: LABEL, description: Role that ran the statement}
    - datname: {usage: LABEL, description: Database}
    - queryid: {usage: LABEL, description: Statement hash}
    - calls_total: {usage: COUNTER, description: Statement executions}
    - seconds_total: {usage: COUNTER, description: Time spent in the statement}
    - rows_total: {usage: COUNTER, description: Rows returned or affected}
"""


class StackError(Exception):
    pass


def binary(name: str) -> str:
    """Where a Debian package put a program; StackError if it is not installed."""
    path = shutil.which(name)
    if path:
        return path
    for directory in _SEARCH_DIRS:
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    raise StackError(f"{name} is not installed (Debian packages: prometheus, "
                     "prometheus-alertmanager, prometheus-node-exporter, "
                     "prometheus-postgres-exporter, postgresql)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_taken(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:port (the program given it would exit
    with 'address already in use' a moment later, far from the option that chose it)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class NotificationSink:
    """Alertmanager's webhook notifications, received in this process: every receiver of the
    routing notifies here (`alertmanager.config(webhook=...)`), so a test sees who was told."""

    def __init__(self, on_notification: Callable[[dict], object] | None = None) -> None:
        self.received: list[dict] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = {}
                sink.received.append(payload)
                if on_notification:
                    on_notification(payload)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _die_with_parent(sig: int):
    libc = ctypes.CDLL(None, use_errno=True)

    def setup():
        libc.prctl(_PR_SET_PDEATHSIG, sig)
    return setup


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: str
    stop_signal: int = signal.SIGTERM

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stdin(self) -> IO[bytes]:
        """The pipe to a process spawned with stdin=PIPE (a hold_connection session)."""
        if self.popen.stdin is None:
            raise StackError(f"{self.name} has no stdin pipe")
        return self.popen.stdin

    def tail(self, lines: int = 15) -> str:
        try:
            with open(self.log, encoding="utf-8", errors="replace") as file:
                return "".join(file.readlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Stack:
    project: Project
    scrape_interval: str = "1s"
    max_for: str | None = None
    workload: Workload = field(default_factory=Workload)
    components: tuple[str, ...] = ("postgres", "exporter", "node", "alertmanager", "prometheus")
    on_notification: object = None  # called with each webhook notification Alertmanager sends
    # More scrape targets, job → host:port of each: an application not on the default ports, or
    # more of them. A job the stack has (tradingagents, node, postgres) scrapes them beside its
    # own; another job is added. parse_targets() reads them as `demo --scrape` takes them.
    scrape: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Ports chosen by the caller, name (one of PORTS) → port: `demo --port 9090` keeps
    # Prometheus where a bookmark or a Grafana data source expects it. The rest are free ones.
    fixed_ports: dict[str, int] = field(default_factory=dict)
    root: str = ""
    ports: dict = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)
    build: Build | None = None
    sink: NotificationSink | None = None
    started: float = 0.0  # time.monotonic() when start() began

    # URLs, once started.
    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['prometheus']}"

    @property
    def alertmanager_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['alertmanager']}"

    @property
    def exporter_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['exporter']}"

    @property
    def prometheus(self) -> Prometheus:
        return Prometheus(self.prometheus_url)

    @property
    def alertmanager(self) -> Alertmanager:
        return Alertmanager(self.alertmanager_url)

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout: float = 60):
        self.started = time.monotonic()
        self.build = self.project.build(max_for=self.max_for)
        self.root = tempfile.mkdtemp(prefix="dashsmith-stack-")
        try:
            os.chmod(self.root, 0o711)  # PostgreSQL's account must reach its data dir
            self.ports = self._choose_ports()
            deadline = time.monotonic() + timeout
            if "postgres" in self.components:
                self._start_postgres()
            if "exporter" in self.components:
                self._start_exporter()
            if "node" in self.components:
                self._spawn("node_exporter", [
                    binary("prometheus-node-exporter"),
                    f"--web.listen-address=127.0.0.1:{self.ports['node']}"])
            if "alertmanager" in self.components:
                self._start_alertmanager()
            if "prometheus" in self.components:
                self._start_prometheus(self.build.rule_files)
            if "postgres" in self.components:
                self._prepare_database(deadline)
            self._wait_ready(deadline)
        except BaseException:
            self.stop()
            raise

    def _choose_ports(self) -> dict[str, int]:
        unknown = sorted(set(self.fixed_ports) - set(PORTS))
        if unknown:
            raise StackError(f"no port named {', '.join(unknown)} (known: {', '.join(PORTS)})")
        for name, port in self.fixed_ports.items():
            same = [other for other, p in self.fixed_ports.items() if p == port and other != name]
            if same:
                raise StackError(f"port {port} is given to both {name} and {same[0]}")
            if _port_taken(port):
                raise StackError(f"port {port} for {name} is in use on 127.0.0.1")
        taken = set(self.fixed_ports.values())
        ports = dict(self.fixed_ports)
        for name in PORTS:
            while name not in ports or (name not in self.fixed_ports and ports[name] in taken):
                ports[name] = free_port()  # never one the caller fixed for another program
        return ports

    def stop(self, grace: float = 5):
        for process in reversed(self.processes):
            _signal_group(process, process.stop_signal)
        deadline = time.monotonic() + grace
        for process in reversed(self.processes):
            try:
                process.popen.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.popen.wait()
            _reap_group(process)
        self.processes = []
        if self.sink:
            self.sink.close()
            self.sink = None
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = ""

    def stop_component(self, name: str):
        """Stop one process of the stack (e.g. 'postgres', to see the database go down)."""
        for process in self.processes:
            if process.name == name and process.alive():
                _signal_group(process, process.stop_signal)
                process.popen.wait(10)

    def pids(self) -> list[int]:
        return [p.popen.pid for p in self.processes]

    def set_fault(self, name: str | None):
        """Switch the synthetic exporter to a fault mode (None: back to normal)."""
        path = f"/fault/{name or 'normal'}"
        request = urllib.request.Request(self.exporter_url + path, data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()

    # PostgreSQL

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(self._psql_command(database) + ["-Atc", sql], capture_output=True,
                                text=True, timeout=30)
        if result.returncode != 0:
            raise StackError(f"psql: {result.stderr.strip()}")
        return result.stdout.strip()

    def hold_connection(self, database: str = DATABASE, statements: str = "") -> Process:
        """A psql session kept open (idle, or idle in transaction after `BEGIN; ...`), ended
        with the stack."""
        process = self._spawn(f"psql-{len(self.processes)}", self._psql_command(database) + ["-q"],
                              stdin=subprocess.PIPE)
        if statements:
            stdin = process.stdin()
            stdin.write(statements.encode() + b"\n")
            stdin.flush()
        return process

    def release(self, process: Process):
        """End a session from hold_connection (its open transaction rolls back)."""
        process.stdin().close()
        try:
            process.popen.wait(5)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.popen.wait()
        self.processes.remove(process)

    def _psql_command(self, database: str) -> list[str]:
        return [binary("psql"), "-X", "-h", "127.0.0.1", "-p", str(self.ports["postgres"]),
                "-U", SUPERUSER, "-d", database, "-v", "ON_ERROR_STOP=1"]

    def _start_postgres(self):
        account = _postgres_account()
        data = os.path.join(self.root, "postgres")
        os.mkdir(data, 0o700)
        if account:
            os.chown(data, account.pw_uid, account.pw_gid)
        initdb = subprocess.run(
            [binary("initdb"), "-D", data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
             "--no-sync", "--locale=C"], capture_output=True, text=True, timeout=60,
            **_as_account(account))
        if initdb.returncode != 0:
            raise StackError(f"initdb failed: {initdb.stderr.strip()[-800:]}")
        self._spawn("postgres", [
            binary("postgres"), "-D", data, "-p", str(self.ports["postgres"]),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "shared_preload_libraries=pg_stat_statements", "-c", "fsync=off",
        ], account=account, stop_signal=signal.SIGINT, death_signal=signal.SIGQUIT)

    def _prepare_database(self, deadline: float):
        while True:
            try:
                self.psql("SELECT 1")
                break
            except StackError as error:
                self._check_alive()
                if time.monotonic() > deadline:
                    raise StackError(f"PostgreSQL did not accept connections: {error}") from None
                time.sleep(0.1)
        self.psql("CREATE EXTENSION pg_stat_statements")
        self.psql(f"CREATE DATABASE {DATABASE}")
        init = subprocess.run(self._pgbench() + ["-i", "-s", "1", "-q", DATABASE],
                              capture_output=True, text=True, timeout=120)
        if init.returncode != 0:
            raise StackError(f"pgbench -i failed: {init.stderr.strip()[-800:]}")
        # A long-running database has its tables and catalogs in shared buffers. A fresh one
        # reads them from disk on first use (pgbench -i even writes its tables through a ring
        # buffer), and autovacuum's first visit a minute later reads the catalogs: transients
        # the cache-hit panel and alert are not about. Load them all now.
        for database in ("postgres", DATABASE):
            self.psql("CREATE EXTENSION pg_prewarm; SELECT count(pg_prewarm(oid::regclass)) "
                      "FROM pg_class WHERE relkind IN ('r', 'i', 't', 'm')", database)
        # A steady read load: 20 single-statement transactions a second over two connections.
        self._spawn("pgbench", self._pgbench() + ["-n", "-S", "-c", "2", "-R", "20",
                                                  "-T", "86400", DATABASE])
        self._start_postgres_exporter()

    def _pgbench(self) -> list[str]:
        return [binary("pgbench"), "-h", "127.0.0.1", "-p", str(self.ports["postgres"]),
                "-U", SUPERUSER]

    def _start_postgres_exporter(self):
        exporter = binary("prometheus-postgres-exporter")
        command = [exporter, f"--web.listen-address=127.0.0.1:{self.ports['postgres_exporter']}"]
        if _has_flag(exporter, "--collector.stat_statements"):
            command.append("--collector.stat_statements")
        else:
            queries = self._write("postgres_exporter_queries.yml", STAT_STATEMENTS_QUERIES)
            command.append(f"--extend.query-path={queries}")
        dsn = (f"postgresql://{SUPERUSER}@127.0.0.1:{self.ports['postgres']}/postgres"
               "?sslmode=disable")
        self._spawn("postgres_exporter", command, env={**os.environ, "DATA_SOURCE_NAME": dsn})

    # The rest

    def _start_exporter(self):
        command = [sys.executable, "-m", "dashsmith.commands.verify.exporter", "--project",
                   self.project.root, "--port", str(self.ports["exporter"]),
                   "--workload", self._write("workload.json", self.workload.to_json())]
        self._spawn("synthetic_exporter", command)

    def _start_alertmanager(self):
        """The project's routing (receivers all notifying the sink, waits capped at a second),
        or one receiver when no routing is declared."""
        self.sink = NotificationSink(self.on_notification)
        routing = self.project.estate.routing
        if routing is not None:
            data = alertmanager_config.config(routing, webhook=self.sink.url, max_wait="1s")
        else:
            data = {"route": {"receiver": "sink", "group_wait": "0s", "group_interval": "1s"},
                    "receivers": [{"name": "sink", "webhook_configs": [{"url": self.sink.url}]}]}
        config = self._write("alertmanager.yml", serialize.to_yaml(data).decode())
        storage = os.path.join(self.root, "alertmanager")
        self._spawn("alertmanager", [
            binary("prometheus-alertmanager"), f"--config.file={config}",
            f"--storage.path={storage}",
            f"--web.listen-address=127.0.0.1:{self.ports['alertmanager']}",
            "--cluster.listen-address=",
        ])

    def _start_prometheus(self, rule_files: dict[str, dict]):
        rules_dir = os.path.join(self.root, "rules")
        os.mkdir(rules_dir)
        for name, data in rule_files.items():
            with open(os.path.join(rules_dir, f"{name}.yml"), "wb") as file:
                file.write(serialize.to_yaml(data))
        scrape_configs: list[dict[str, object]] = [
            {"job_name": job, "static_configs": [
                {"targets": [f"127.0.0.1:{self.ports[port]}"]}]}
            for job, (component, port) in JOBS.items() if component in self.components]
        jobs = {str(job["job_name"]): job for job in scrape_configs}
        for job_name, targets in self.scrape.items():
            if job_name not in jobs:
                jobs[job_name] = {"job_name": job_name, "static_configs": []}
                scrape_configs.append(jobs[job_name])
            static = jobs[job_name]["static_configs"]
            assert isinstance(static, list)
            static.append({"targets": list(targets)})
        config: dict[str, object] = {
            "global": {"scrape_interval": self.scrape_interval,
                       "evaluation_interval": self.scrape_interval},
            "rule_files": [os.path.join(rules_dir, "*.yml")],
            "scrape_configs": scrape_configs,
        }
        # postgres_exporter takes about a second to answer while PostgreSQL is down; scraped
        # with a shorter timeout it would look down itself and pg_up would never read 0.
        interval = durations.parse(self.scrape_interval)
        for job in scrape_configs:
            if job["job_name"] == "postgres" and interval < POSTGRES_EXPORTER_TIMEOUT:
                job["scrape_interval"] = job["scrape_timeout"] = \
                    durations.format(POSTGRES_EXPORTER_TIMEOUT)
        if "alertmanager" in self.components:
            config["alerting"] = {"alertmanagers": [{"static_configs": [
                {"targets": [f"127.0.0.1:{self.ports['alertmanager']}"]}]}]}
        path = self._write("prometheus.yml", serialize.to_yaml(config).decode())
        self._spawn("prometheus", [
            binary("prometheus"), f"--config.file={path}",
            f"--storage.tsdb.path={os.path.join(self.root, 'prometheus')}",
            f"--web.listen-address=127.0.0.1:{self.ports['prometheus']}",
            "--rules.alert.resend-delay=1s",
        ])

    def _wait_ready(self, deadline: float):
        checks = []
        if "prometheus" in self.components:
            checks.append(("prometheus", self.prometheus.ready))
        if "alertmanager" in self.components:
            checks.append(("alertmanager", self.alertmanager.ready))
        for component, port in JOBS.values():
            if component in self.components:
                checks.append((component, self._answering(port)))
        if "prometheus" in self.components:
            checks.append(("scrape targets", self._targets_up))
        for name, ready in checks:
            while not ready():
                self._check_alive()
                if time.monotonic() > deadline:
                    raise StackError(f"{name} did not become ready in time{self._down()}")
                time.sleep(0.1)

    def _down(self) -> str:
        """Which scrape targets are down, and why (': ...'), or ''."""
        try:
            down = [t for t in self.prometheus.targets() if t.get("health") != "up"]
        except Unreachable:
            return ""
        if not down:
            return ""
        return ": " + "; ".join(
            f"job {t['labels'].get('job')} at {t.get('scrapeUrl')}: "
            f"{t.get('lastError') or t.get('health')}" for t in down)

    def _answering(self, port: str) -> Callable[[], bool]:
        return lambda: _answers(self.ports[port])

    def _targets_up(self) -> bool:
        try:
            return self.prometheus.targets_up()
        except Unreachable:
            return False

    def _check_alive(self):
        for process in self.processes:
            if not process.alive() and not process.name.startswith("psql"):
                raise StackError(f"{process.name} exited with status {process.popen.returncode}:\n"
                                 f"{process.tail()}")

    def _write(self, name: str, text: str) -> str:
        path = os.path.join(self.root, name)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        return path

    def _spawn(self, name: str, command: list[str], *, account=None, env=None,
               stop_signal: int = signal.SIGTERM, death_signal: int = signal.SIGTERM,
               stdin=subprocess.DEVNULL) -> Process:
        log = os.path.join(self.root, f"{name}.log")
        with open(log, "wb") as out:
            if sys.version_info < (3, 11):  # Popen's process_group is 3.11+
                raise StackError("the verification stack needs Python 3.11 or later")
            popen = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=stdin,
                                     env=env, cwd=self.root, process_group=0,
                                     preexec_fn=_die_with_parent(death_signal),
                                     **_as_account(account))
        process = Process(name, popen, log, stop_signal)
        self.processes.append(process)
        return process


def parse_targets(values: tuple[str, ...] | list[str]) -> dict[str, tuple[str, ...]]:
    """`JOB=HOST:PORT` each (several for a job, or `JOB=HOST:PORT,HOST:PORT`) as Stack.scrape;
    ValueError naming a value that is not of that form."""
    targets: dict[str, list[str]] = {}
    for value in values:
        job, _, where = value.partition("=")
        job, hosts = job.strip(), [h.strip() for h in where.split(",") if h.strip()]
        if not job.replace("_", "a").replace("-", "a").isalnum() or not hosts:
            raise ValueError(f"{value!r}: use JOB=HOST:PORT (e.g. tradingagents=127.0.0.1:8001)")
        for host in hosts:
            name, _, port = host.rpartition(":")
            if not name or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"{value!r}: {host!r} is not HOST:PORT")
        targets.setdefault(job, []).extend(hosts)
    return {job: tuple(hosts) for job, hosts in targets.items()}


def parse_ports(values: tuple[str, ...] | list[str]) -> dict[str, int]:
    """`demo --port` values as Stack.fixed_ports: `PORT` is Prometheus's, `NAME=PORT` another
    program's (NAME one of PORTS); ValueError naming a value that is neither."""
    ports: dict[str, int] = {}
    for value in values:
        name, _, port = value.rpartition("=")
        name = name.strip() or "prometheus"
        if name not in PORTS:
            raise ValueError(f"{value!r}: no port named {name!r} (known: {', '.join(PORTS)})")
        if not port.strip().isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{value!r}: use PORT or NAME=PORT with a port from 1 to 65535 "
                             "(e.g. 9090 or alertmanager=9093)")
        ports[name] = int(port)
    return ports


def _postgres_account():
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise StackError("running as root and neither a 'postgres' nor a 'nobody' account exists "
                     "to run PostgreSQL as")


def _as_account(account) -> dict:
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _has_flag(program: str, flag: str) -> bool:
    result = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=10)
    return flag in result.stdout + result.stderr


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _signal_group(process: Process, sig: int):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, sig)


def _reap_group(process: Process):
    """Children the program left behind in its group (e.g. PostgreSQL backends) go too."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, signal.SIGKILL)
    if process.popen.stdin:
        process.popen.stdin.close()


def stray_processes(pids: list[int]) -> list[int]:
    """Which of these processes, or members of their process groups, still run."""
    alive = []
    for path in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(path, encoding="utf-8") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, state, pgid = int(path.split("/")[2]), fields[0], int(fields[2])
        if state != "Z" and (pid in pids or pgid in pids):
            alive.append(pid)
    return alive
