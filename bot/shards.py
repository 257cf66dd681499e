"""Shards: which part of Discord's traffic a bot process takes, and whose a guild is.

Discord deals each guild to one shard, `(guild_id >> 22) % shard_count` (its Gateway
documentation, Sharding); the process running that shard gets the guild's interactions, so it
also does the guild's timed work. Log records say which shard they concern (`ShardFilter`).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import secrets
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

#: The guild the running task works for (an interaction's, a timed job's), for the logs.
_GUILD: contextvars.ContextVar[int | None] = contextvars.ContextVar("guild", default=None)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord deals `guild_id` to."""
    return (guild_id >> 22) % shard_count


def parse_shards(text: str) -> tuple[int, ...]:
    """Shard ids written as on the command line: "0-3", "5", "0,2,4-5"."""
    ids: set[int] = set()
    for part in text.split(","):
        found = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if found is None:
            raise ValueError(f"{text!r} is not a list of shard ids such as 0-3 or 0,2")
        first = int(found[1])
        last = int(found[2]) if found[2] is not None else first
        if last < first:
            raise ValueError(f"{part.strip()!r} is a range that ends before it starts")
        ids.update(range(first, last + 1))
    return tuple(sorted(ids))


def format_shards(ids: Iterable[int]) -> str:
    """The shortest text `parse_shards` reads back: runs of ids as ranges."""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


@dataclass(frozen=True)
class Shards:
    """The shards one process runs (`ids`) out of `count`."""

    ids: tuple[int, ...]
    count: int

    @property
    def everything(self) -> bool:
        """Whether this process runs every shard (then it owns every guild)."""
        return len(self.ids) == self.count

    def owns(self, guild_id: int) -> bool:
        """Whether the guild's events, and so its timed work, come to this process."""
        return shard_of(guild_id, self.count) in self.ids

    def __str__(self) -> str:
        return f"{format_shards(self.ids)} of {self.count}"


@dataclass(frozen=True)
class Process:
    """A bot process as the database knows it: `name` is on everything it holds there (its
    shard locks, the claims of its timed messages, its shards' gateway sessions), unique
    across machines and restarts, so `session-scheduler status` can tell whether what a
    process left is still held by it."""

    name: str
    host: str
    pid: int

    @classmethod
    def this(cls) -> Process:
        return cls(secrets.token_hex(4), socket.gethostname(), os.getpid())

    def __str__(self) -> str:
        return f"pid {self.pid} #{self.name}"


#: How a process's name appears where it is written down (a lock's label, a lock file).
_PROCESS_NAME = re.compile(r"#([0-9a-f]{8})\b")


@dataclass(frozen=True)
class ShardOwner:
    """A shard held by a running process, as its lock shows it: `label` is what the process
    wrote there (its pid, name and shards), `since` when it took it and `client` the address
    it reaches the database from, where the engine says."""

    shard_count: int
    shard_id: int
    label: str
    since: str | None = None
    client: str | None = None

    @property
    def process(self) -> str | None:
        """The name of the `Process` holding it, read back from its label."""
        found = _PROCESS_NAME.search(self.label)
        return found[1] if found else None


@contextlib.contextmanager
def in_guild(guild_id: int | None) -> Iterator[None]:
    """Log records made inside say the shard of `guild_id`."""
    token = _GUILD.set(guild_id)
    try:
        yield
    finally:
        _GUILD.reset(token)


def enter_guild(guild_id: int | None) -> None:
    """Log records of the rest of the running task say the shard of `guild_id`: for the
    entry of an interaction, whose task ends with it."""
    _GUILD.set(guild_id)


class ShardFilter(logging.Filter):
    """Sets `record.shard` on every record it sees: the shard of the guild the work concerns
    (`in_guild`, `enter_guild`), else the shards of the process. On a handler, it covers the
    records of every logger (discord.py's too), so a format may use %(shard)s."""

    def __init__(self, shards: Shards):
        super().__init__()
        self.shards = shards
        self._process = f"{format_shards(shards.ids)}/{shards.count}"

    def filter(self, record: logging.LogRecord) -> bool:
        guild_id = _GUILD.get()
        if guild_id is None:
            record.shard = self._process
        else:
            record.shard = f"{shard_of(guild_id, self.shards.count)}/{self.shards.count}"
        return True
