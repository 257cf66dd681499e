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

log = logging.getLogger("session-scheduler")
EXIT_CONFIG = 2
EXIT_RUNNING = 3
EXIT_UNREACHABLE = 4


class AlreadyRunning(RuntimeError):
    pass


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def instance_lock(database: Path, if_running: str = "error",
                  poll: float = 1.0, timeout: float | None = None) -> Iterator[Path | None]:
    """An exclusive `flock` on `<database>.lock`, held while the bot runs.

    if_running: "error" raises AlreadyRunning; "quit" yields None (the caller exits 0);
    "wait" waits until the other instance stops (or `timeout`).
    """
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                if if_running == "quit":
                    yield None
                    return
                if if_running == "error" or (timeout is not None
                                             and time.monotonic() - started > timeout):
                    raise AlreadyRunning(
                        f"Another session-scheduler (pid {holder}) is running on {database}. "
                        "Stop it first, or start with --if-running wait|quit.") from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock


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
    try:
        with instance_lock(settings.database, args.if_running) as held:
            if held is None:
                print("session-scheduler: another instance is running; quitting.",
                      file=sys.stderr)
                return 0
            return _run_bot(settings)
    except AlreadyRunning as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_RUNNING


def _run_bot(settings: Settings) -> int:
    from bot.discord.bot import CannotConnect, run_bot

    log.info("starting on database %s", settings.database)
    try:
        run_bot(settings)
    except CannotConnect as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_CONFIG if e.token_refused else EXIT_UNREACHABLE
    return 0
