"""A throwaway PostgreSQL server for tests and benchmarks: `initdb` and `pg_ctl` on a temporary
directory, listening on a free loopback port, stopped and deleted afterwards.

PostgreSQL refuses to run as root (which CI is): as root, the server runs as the `postgres`
user that Debian's package creates. Where the server binaries are missing, `find_binaries`
returns None and the tests that need a server are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

MISSING = ("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
           "postgresql package (.ci/run does)")
TEMPLATE = "migrated_template"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on the PATH, else Debian's newest version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One server; `new_database()` gives each test a database of its own."""

    def __init__(self, bin_dir: Path, *, durable: bool = False):
        self.bin_dir = bin_dir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="session-scheduler-pg-"))
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root, and there is no `postgres` user to run "
                                   "PostgreSQL as") from None
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.port = _free_port()
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        subprocess.run([str(self.bin_dir / args[0]), *args[1:]], check=True, cwd=self.root,
                       capture_output=True, user=self.user.pw_uid if self.user else None)

    def start(self) -> PostgresServer:
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self.up()
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        self.migrate_template()
        return self

    def up(self) -> None:
        """Start the server on its data (again, after `down`)."""
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.root}",
                   "-c max_connections=300"]
        if not self.durable:  # tests: nothing survives them anyway
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "log"), "-w",
                  "-t", "60", "-o", " ".join(options), "start")

    def down(self) -> None:
        """Stop the server, dropping its clients' connections and keeping its data: an
        outage, which `up` ends."""
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @contextlib.contextmanager
    def admin(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            yield conn

    def migrate_template(self) -> None:
        """Bring the template to the current schema (each new database is a copy of it)."""
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        from bot.storage import open_database

        async def migrate() -> None:
            await (await open_database(self.url(TEMPLATE))).close()
        with ThreadPoolExecutor(1) as pool:  # callers may be inside a running event loop
            pool.submit(asyncio.run, migrate()).result()

    def new_database(self, migrated: bool = True) -> str:
        """The URL of a new, empty database: a copy of the migrated template, or blank."""
        name = f"test_{next(self._names)}"
        with self.admin() as conn:
            if migrated:
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
            else:
                conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def postgres_server(durable: bool = False) -> Iterator[PostgresServer]:
    bin_dir = find_binaries()
    if bin_dir is None:
        raise RuntimeError(MISSING)
    server = PostgresServer(bin_dir, durable=durable)
    try:
        yield server.start()
    finally:
        server.stop()
