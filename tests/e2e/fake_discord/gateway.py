"""Gateway sessions: sequence numbers, the replay log for RESUME, and ordered writes.

Events go through one writer task per socket so they reach the client in dispatch order, and
the time each is written is known (the start of an interaction's latency).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

try:  # the stand-in shares the machine with the bot in benchmarks: keep its JSON cheap
    import orjson
except ImportError:  # pragma: no cover - orjson is optional
    orjson = None


def dump_bytes(data: Any) -> bytes:
    """JSON as UTF-8, with orjson when it is installed (about 10x faster than json.dumps)."""
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:  # e.g. an integer beyond 64 bits: json handles it
            pass
    return json.dumps(data).encode()


def dumps(data: Any) -> str:
    """JSON text."""
    return dump_bytes(data).decode()


def loads(text: str | bytes) -> Any:
    """Parsed JSON, with orjson when it is installed."""
    return (orjson.loads if orjson is not None else json.loads)(text)


@dataclass
class Frame:
    payload: dict[str, Any]
    written: asyncio.Future[float]


class Connection:
    """One websocket from the client; writes frames in order from a queue."""

    def __init__(self, ws: web.WebSocketResponse, path: str) -> None:
        self.ws = ws
        self.path = path
        self.queue: asyncio.Queue[Frame | None] = asyncio.Queue()
        self.session: Session | None = None
        #: The stand-in closed this socket (`close`), rather than the client.
        self.closed_here = False
        self.writer = asyncio.create_task(self._write())

    def send(self, payload: dict[str, Any]) -> asyncio.Future[float]:
        frame = Frame(payload, asyncio.get_running_loop().create_future())
        self.queue.put_nowait(frame)
        return frame.written

    async def _write(self) -> None:
        while (frame := await self.queue.get()) is not None:
            try:
                await self.ws.send_str(dumps(frame.payload))
            except (ConnectionError, RuntimeError):
                # The socket went away: leave the future pending; a RESUME replays the event.
                continue
            if not frame.written.done():
                frame.written.set_result(time.perf_counter())

    async def close(self, code: int) -> None:
        self.closed_here = True
        self.queue.put_nowait(None)
        await self.ws.close(code=code)
        await asyncio.gather(self.writer, return_exceptions=True)


@dataclass
class Session:
    """A gateway session; outlives its connection so a RESUME can replay missed events."""

    #: IDENTIFY's `shard`, [shard_id, num_shards]; None when it sent none (all guilds).
    shard: tuple[int, int] | None = None
    intents: int = 0
    id: str = field(default_factory=lambda: secrets.token_hex(16))
    seq: int = 0
    log: list[tuple[int, dict[str, Any], asyncio.Future[float]]] = field(default_factory=list)
    connection: Connection | None = None
    #: READY or RESUMED was written on the current connection.
    live: bool = False

    @property
    def shard_id(self) -> int:
        return self.shard[0] if self.shard else 0

    def routes(self, guild_id: int | None) -> bool:
        """Whether Discord sends this session the events of `guild_id` (None: events of no
        guild, such as DMs, which go to shard 0 only). Discord, Gateway, Sharding:
        `shard_id = (guild_id >> 22) % num_shards`."""
        if guild_id is None or self.shard is None:
            return self.shard_id == 0
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id

    def dispatch(self, event: str, data: dict[str, Any]) -> asyncio.Future[float]:
        """Number the event, keep it for replay, and write it if a socket is attached."""
        self.seq += 1
        payload = {"op": 0, "t": event, "s": self.seq, "d": data}
        written: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.log.append((self.seq, payload, written))
        if self.connection is not None:
            _chain(self.connection.send(payload), written)
        return written

    def replay_after(self, seq: int, connection: Connection) -> int:
        """Send every event after ``seq`` on a new connection; returns how many."""
        count = 0
        for s, payload, written in self.log:
            if s > seq:
                _chain(connection.send(payload), written)
                count += 1
        return count


def first_written(futures: list[asyncio.Future[float]]) -> asyncio.Future[float]:
    """A future of the earliest of several writes (one event sent to several sessions)."""
    first: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    for f in futures:
        _chain(f, first)
    return first


def _chain(source: asyncio.Future[float], target: asyncio.Future[float]) -> None:
    def copy(f: asyncio.Future[float]) -> None:
        if not target.done() and not f.cancelled():
            target.set_result(f.result())

    source.add_done_callback(copy)
