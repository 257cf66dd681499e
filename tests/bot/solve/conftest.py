"""Solve workers as processes of their own on a throwaway PostgreSQL database: the job queue
exists only there (on SQLite the bot's own process solves)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
#: Quick heartbeats, and a worker silent for 3 seconds taken for stopped.
WORKER = dict(concurrency=1, attempts=3, heartbeat=0.3, stalled=3.0)


@pytest.fixture
def database(postgres) -> str:
    return postgres.new_database()


class Workers:
    """Starts worker processes and stops every one left at the end of the test."""

    def __init__(self, url: str, tmp_path: Path):
        self.url, self.tmp_path = url, tmp_path
        self.started: list[subprocess.Popen] = []

    def _start(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}-{len(self.started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "DATABASE_URL": self.url})
        log.close()
        self.started.append(proc)
        return proc

    def test_engine(self, engine: str, grace: float = 0.0) -> subprocess.Popen:
        """A worker whose engine is one of tests/bot/engines.py (`held`: holds until stopped)."""
        return self._start([sys.executable, "-m", "tests.bot.solve._worker_child", self.url,
                            engine, str(grace)], f"worker-{engine}")

    def config(self) -> Path:
        """A config file for the commands (the database comes from DATABASE_URL)."""
        config = self.tmp_path / "config.toml"
        config.write_text('log_level = "INFO"\n')
        return config

    def cli(self, *extra: str) -> subprocess.Popen:
        """`session-scheduler worker` itself, with the real engine."""
        return self._start([sys.executable, "-m", "bot.cli", "worker", "--config",
                            str(self.config()),
                            "--concurrency", str(WORKER["concurrency"]),
                            "--heartbeat", str(WORKER["heartbeat"]),
                            "--stalled-after", str(WORKER["stalled"]), *extra], "worker-cli")

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')}"
                         for p in sorted(self.tmp_path.glob("worker-*.log")))

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait()


@pytest.fixture
def workers(database: str, tmp_path: Path) -> Iterator[Workers]:
    w = Workers(database, tmp_path)
    try:
        yield w
    finally:
        w.stop_all()
