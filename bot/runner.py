"""`session-scheduler run`: config, logging, the single-instance lock, then the bot."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bot.config import TOKEN_HELP, ConfigError, Settings, load_settings
from bot.storage import DatabaseTooNew, DatabaseUnavailable, is_postgresql

log = logging.getLogger("session-scheduler")
EXIT_CONFIG = 2
EXIT_RUNNING = 3
EXIT_UNREACHABLE = 4


class AlreadyRunning(RuntimeError):
    pass


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class _FileLock:
    """An exclusive `flock` on `<database>.lock`, which names the process that holds it."""

    def __init__(self, database: Path):
        path = lock_path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def try_take(self) -> bool:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            return False
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"pid {os.getpid()}".encode(), 0)
        return True

    def holder(self) -> str:
        return os.pread(self._fd, 64, 0).decode(errors="replace").strip() or "pid ?"

    def release(self) -> None:
        os.close(self._fd)  # releases the lock


@contextlib.contextmanager
def instance_lock(database: str | Path, if_running: str = "error",
                  poll: float = 1.0, timeout: float | None = None) -> Iterator[bool]:
    """One bot per database, held while the bot runs: a file lock next to a SQLite file, an
    advisory lock on PostgreSQL. Yields True once held.

    if_running: "error" raises AlreadyRunning; "quit" yields False (the caller exits 0);
    "wait" waits until the other instance stops (or `timeout`).
    """
    if is_postgresql(database):
        from bot.storage.postgresql import SessionLock
        lock: _FileLock | SessionLock = SessionLock(str(database))
    else:
        lock = _FileLock(Path(database))
    try:
        started = time.monotonic()
        while not lock.try_take():
            if if_running == "quit":
                yield False
                return
            if if_running == "error" or (timeout is not None
                                         and time.monotonic() - started > timeout):
                raise AlreadyRunning(
                    f"Another session-scheduler ({lock.holder()}) is running on this database. "
                    "Stop it first, or start with --if-running wait|quit.")
            time.sleep(poll)
        yield True
    finally:
        lock.release()


def add_run_command(subparsers) -> None:
    p = subparsers.add_parser("run", help="start the Discord bot",
                              description="Start the Discord bot (see docs/bot.md).")
    p.add_argument("--config", default="config.toml",
                   help="configuration file (default: config.toml; see config.example.toml)")
    p.add_argument("--if-running", choices=("error", "quit", "wait"), default="error",
                   help="when another instance uses the same database: fail (default), exit "
                        "quietly, or wait for it to stop")
    p.set_defaults(func=run_command)


def run_command(args) -> int:
    try:
        settings = load_settings(args.config)
    except ConfigError as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_CONFIG
    if settings.token is None or not settings.token.get_secret_value().strip():
        print(f"session-scheduler: {TOKEN_HELP}", file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord.client").addFilter(_no_voice_warnings)
    try:
        with instance_lock(settings.database, args.if_running) as held:
            if not held:
                print("session-scheduler: another instance is running; quitting.",
                      file=sys.stderr)
                return 0
            return _run_bot(settings)
    except AlreadyRunning as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_RUNNING
    except DatabaseTooNew as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseUnavailable as e:
        print(f"session-scheduler: {e}. Check that the server runs and the URL "
              "(`database` in config.toml, or DATABASE_URL) is right; nothing was lost.",
              file=sys.stderr)
        return EXIT_UNREACHABLE


def _no_voice_warnings(record: logging.LogRecord) -> bool:
    """The bot joins no voice channel, so discord.py's start-up warnings about missing voice
    libraries only alarm the person reading the log."""
    return "voice will NOT be supported" not in record.getMessage()


def _run_bot(settings: Settings) -> int:
    from bot.discord.bot import CannotConnect, run_bot

    log.info("starting on database %s", settings.database_label)
    try:
        run_bot(settings)
    except CannotConnect as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_CONFIG if e.token_refused else EXIT_UNREACHABLE
    return 0
