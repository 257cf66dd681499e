"""`session-scheduler run`: config, logging, the lock on the process's shards, then the bot."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bot.config import TOKEN_HELP, Settings, load_settings
from bot.exits import EXIT_CONFIG, EXIT_RUNNING, EXIT_UNREACHABLE, command, refuse
from bot.shards import Process, ShardFilter, ShardOwner, Shards, parse_shards
from bot.storage import is_postgresql

log = logging.getLogger("session-scheduler")


class AlreadyRunning(RuntimeError):
    pass


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class _FileLock:
    """An exclusive `flock` on `<database>.lock`, which names the process that holds it and
    its shards (there, every shard)."""

    def __init__(self, database: Path, process: Process, shards: Shards):
        path = lock_path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        self._label = f"{process} shards {shards}"

    def try_take(self) -> bool:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            return False
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, self._label.encode(), 0)
        return True

    def conflict(self) -> str:
        holder = _label(self._fd) or "pid ?"
        return f"Another session-scheduler ({holder}) is running on this database"

    def release(self) -> None:
        os.close(self._fd)  # releases the lock

    @staticmethod
    def owners(database: Path) -> list[ShardOwner]:
        """The shards of the process holding the lock, if one does. Found by asking for the
        lock shared without waiting, let go at once: granted, nobody holds it."""
        try:
            fd = os.open(lock_path(database), os.O_RDONLY)
        except FileNotFoundError:
            return []
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            else:
                return []
            label = _label(fd)
            since = os.fstat(fd).st_mtime
        finally:
            os.close(fd)  # lets go of the shared lock, if it was granted
        found = re.search(r"shards (\S+) of (\d+)", label)
        ids, count = (parse_shards(found[1]), int(found[2])) if found else ((0,), 1)
        taken = datetime.fromtimestamp(since, UTC).isoformat()
        return [ShardOwner(count, i, label, taken) for i in ids]


def _label(fd: int) -> str:
    return os.pread(fd, 200, 0).decode(errors="replace").strip()


def shard_owners(database: str | Path) -> list[ShardOwner]:
    """Who runs which shard on the database now, from the locks `instance_lock` takes."""
    if is_postgresql(database):
        from bot.storage.postgresql import ShardLocks
        return ShardLocks.owners(str(database))
    return _FileLock.owners(Path(database))


@contextlib.contextmanager
def instance_lock(database: str | Path, if_running: str = "error",
                  poll: float = 1.0, timeout: float | None = None,
                  shards: Shards | None = None,
                  process: Process | None = None) -> Iterator[bool]:
    """The process's shards, held while the bot runs, so no two processes run one shard: a
    file lock next to a SQLite file (one process runs every shard there), an advisory lock
    per shard on PostgreSQL. Yields True once held.

    if_running: "error" raises AlreadyRunning; "quit" yields False (the caller exits 0);
    "wait" waits until the other instance stops (or `timeout`). `shards`: one of one unless
    given. `process`: the name the lock shows (`session-scheduler status` reads it back).
    """
    shards = shards or Shards((0,), 1)
    process = process or Process.this()
    if is_postgresql(database):
        from bot.storage.postgresql import ShardLocks
        lock: _FileLock | ShardLocks = ShardLocks(str(database), shards, process)
    else:
        lock = _FileLock(Path(database), process, shards)
    try:
        started = time.monotonic()
        while not lock.try_take():
            if if_running == "quit":
                yield False
                return
            if if_running == "error" or (timeout is not None
                                         and time.monotonic() - started > timeout):
                raise AlreadyRunning(
                    f"{lock.conflict()}. Stop it first, or start with --if-running wait|quit.")
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
                   help="when another instance runs these shards on the same database: fail "
                        "(default), exit quietly, or wait for it to stop")
    p.add_argument("--shards", metavar="IDS",
                   help="the shards this process runs, e.g. 0-3 or 0,2 (default: all; "
                        "config key `shards`); several processes need PostgreSQL")
    p.add_argument("--shard-count", type=int, metavar="N",
                   help="how many shards Discord's traffic is split in (default 1; config key "
                        "`shard_count`)")
    p.set_defaults(func=run_command)


@command
def run_command(args) -> int:
    overrides = {key: value for key, value in (("shards", args.shards),
                                               ("shard_count", args.shard_count))
                 if value is not None}
    settings = load_settings(args.config, **overrides)
    if settings.token is None or not settings.token.get_secret_value().strip():
        return refuse(TOKEN_HELP)
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s [shard %(shard)s] %(name)s: "
                               "%(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(ShardFilter(settings.shard_plan))
    logging.getLogger("discord.client").addFilter(_no_voice_warnings)
    process = Process.this()
    try:
        with instance_lock(settings.database, args.if_running, shards=settings.shard_plan,
                           process=process) as held:
            if not held:
                print("session-scheduler: another instance is running; quitting.",
                      file=sys.stderr)
                return 0
            return _run_bot(settings, process)
    except AlreadyRunning as e:
        return refuse(e, EXIT_RUNNING)


def _no_voice_warnings(record: logging.LogRecord) -> bool:
    """The bot joins no voice channel, so discord.py's start-up warnings about missing voice
    libraries only alarm the person reading the log."""
    return "voice will NOT be supported" not in record.getMessage()


def _run_bot(settings: Settings, process: Process) -> int:
    from bot.discord.bot import CannotConnect, run_bot

    log.info("starting shards %s on database %s as %s", settings.shard_plan,
             settings.database_label, process)
    try:
        run_bot(settings, process)
    except CannotConnect as e:
        return refuse(e, EXIT_CONFIG if e.token_refused else EXIT_UNREACHABLE)
    return 0
