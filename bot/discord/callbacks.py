"""Private replies to interest-button presses, posted straight to Discord's interaction callback.

Presses are the bot's hot path: at a live event hundreds of attendees press within the same
second, and each must be answered within Discord's 3-second window (our target: p99 ≤ 100 ms
for 200 at once, `benchmarks/button_presses.py`). Through discord.py a reply cost about
0.5 ms of event-loop time, most of the bot's whole cost per press:

- discord.py ≥ 2.5 asks Discord to echo every reply back (`with_response`) and parses the echo
  into a `Message`, and goes through its webhook rate-limit bookkeeping, which interaction
  callbacks are not subject to;
- aiohttp's client spends ~0.3 ms per request in Python (request and response objects,
  headers, cookies, timers); measured against a local server, side by side.

So a reply here is one documented callback body (type 4, ephemeral, no mentions) written on a
kept-alive HTTP/1.1 connection and Discord's empty 204 read back with httptools (llhttp, the
parser aiohttp itself uses): about 0.1 ms. Everything else the bot sends still goes through
discord.py.

Connections are kept alive and capped at 256, so a burst the size of a large event is answered
in one round trip once they are open. A reply waits for its connection's previous answer, so with
fewer connections than presses the replies go out in waves, a round trip to Discord (tens of ms)
each: at 64, a 200-press burst took three to four waves, and measured through the stand-in its
p99 was 95-106 ms against 64-73 ms at 256 (`benchmarks/RESULTS.md`). The price is paid once per
connection: the first burst after a start opens them (a TLS handshake each on Discord), which the
benchmark reports on its own row. The cap still bounds what a runaway could open.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import ssl
from typing import NamedTuple
from urllib.parse import urlsplit

import discord
import httptools
import orjson

CHANNEL_MESSAGE = 4  # InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
EPHEMERAL = 64  # MessageFlags.EPHEMERAL
CONNECTIONS = 256
TIMEOUT = 10.0  # seconds; Discord drops the interaction after 3
USER_AGENT = (f"DiscordBot (https://github.com/Rapptz/discord.py {discord.__version__}) "
              "session-scheduler")


class CallbackFailed(Exception):
    """Discord refused or did not take a callback (status 0: no answer at all)."""

    def __init__(self, status: int, text: str):
        super().__init__(f"interaction callback failed: {status} {text[:200]}")
        self.status = status


class _Lost(Exception):
    """The connection closed before a whole response came back."""

    def __init__(self, answered: bool):
        self.answered = answered  # some response bytes had arrived


class _Origin(NamedTuple):
    scheme: str
    host: str
    port: int
    prefix: str  # the API path, e.g. /api/v10

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def of(base: str) -> _Origin:
        url = urlsplit(base)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise CallbackFailed(0, f"unsupported API base {base!r}")
        port = url.port or (443 if url.scheme == "https" else 80)
        return _Origin(url.scheme, url.hostname, port, url.path.rstrip("/"))

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection, one request at a time; kept while the server keeps it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._body: list[bytes] = []
        self._answered = False
        self.reusable = True
        #: `loop.time()` by which the current request must be answered (see `_sweep`).
        self.deadline = 0.0

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._answered = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as e:
            self.reusable = False
            self._settle(exception=CallbackFailed(0, f"bad HTTP response: {e}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._settle(exception=_Lost(self._answered))

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self.reusable = self.reusable and self._parser.should_keep_alive()
        self._settle(result=(self._parser.get_status_code(), b"".join(self._body)))

    async def request(self, data: bytes) -> tuple[int, bytes]:
        if not self.reusable or self.transport is None or self.transport.is_closing():
            raise _Lost(False)
        self._body, self._answered = [], False
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        try:
            return await self._waiter
        except asyncio.CancelledError:  # a timeout: the answer may still come, on a dead slot
            self.reusable = False
            raise

    def expire(self) -> None:
        """No answer by the deadline: fail the request; the connection is not reused."""
        self._settle(exception=TimeoutError())
        self.close()

    def close(self) -> None:
        self.reusable = False
        if self.transport is not None:
            self.transport.close()

    def _settle(self, result: tuple[int, bytes] | None = None,
                exception: BaseException | None = None) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done():
            return
        if exception is not None:
            waiter.set_exception(exception)
        else:
            waiter.set_result(result)  # type: ignore[arg-type]


class InteractionCallbacks:
    """A capped pool of kept-alive connections per API origin; closed with the bot."""

    def __init__(self, connections: int = CONNECTIONS, timeout: float = TIMEOUT,
                 ssl_context: ssl.SSLContext | None = None):
        """`ssl_context`: whom to trust over https (default: the system's authorities)."""
        self.timeout = timeout
        self._capacity = connections
        self._slots: asyncio.Semaphore | None = None
        self._idle: dict[_Origin, collections.deque[_Connection]] = {}
        self._ssl = ssl_context
        self._waiting: set[_Connection] = set()
        self._sweeper: asyncio.TimerHandle | None = None
        #: Connections opened so far (tests check that bursts reuse them).
        self.opened = 0

    async def open(self) -> None:
        self._slots = asyncio.Semaphore(self._capacity)

    async def close(self) -> None:
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
        self._slots = None
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None

    async def reply_private(self, interaction_id: int, token: str, content: str) -> None:
        """An ephemeral message as the interaction's response; raises `CallbackFailed`."""
        body = orjson.dumps({"type": CHANNEL_MESSAGE, "data": {
            "content": content[:2000], "flags": EPHEMERAL, "allowed_mentions": {"parse": []}}})
        path = f"/interactions/{interaction_id}/{token}/callback"
        status, answer = await self.post(path, body)
        if status >= 300:
            raise CallbackFailed(status, answer.decode("utf-8", "replace"))

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """POST JSON to an API path; (status, body). Discord's address is read per call from
        `discord.http.Route.BASE`, where discord.py itself sends its requests."""
        if self._slots is None:
            raise CallbackFailed(0, "the callback pool is closed")
        origin = _Origin.of(discord.http.Route.BASE)
        data = (f"POST {origin.prefix}{path} HTTP/1.1\r\nHost: {origin.host_header}\r\n"
                f"User-Agent: {USER_AGENT}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        async with self._slots:
            # A kept-alive connection the server has just closed fails before any answer:
            # then the request is sent again on a fresh one (a duplicate callback would only
            # be refused as already acknowledged).
            for attempt in range(2):
                connection = await self._connection(origin)
                self._watch(connection)
                try:
                    status, answer = await connection.request(data)
                except _Lost as e:
                    connection.close()
                    if e.answered or attempt:
                        raise CallbackFailed(0, "the connection closed mid-answer") from None
                    continue
                except (TimeoutError, CallbackFailed) as e:
                    connection.close()
                    raise CallbackFailed(0, str(e) or "no answer in time") from None
                except BaseException:
                    connection.close()
                    raise
                finally:
                    self._waiting.discard(connection)
                if connection.reusable and self._slots is not None:
                    self._idle.setdefault(origin, collections.deque()).append(connection)
                else:
                    connection.close()
                return status, answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _watch(self, connection: _Connection) -> None:
        """Give the request its deadline. One timer sweeps every waiting connection, instead
        of a timer per request: in a burst, arming and cancelling a timeout per reply cost
        about a tenth of the bot's time per press."""
        loop = asyncio.get_running_loop()
        connection.deadline = loop.time() + self.timeout
        self._waiting.add(connection)
        if self._sweeper is None:
            self._sweeper = loop.call_later(self._tick, self._sweep)

    @property
    def _tick(self) -> float:
        return min(1.0, self.timeout / 4)  # a request fails at most a tick after its deadline

    def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        self._sweeper = None
        now = loop.time()
        for connection in [c for c in self._waiting if c.deadline <= now]:
            self._waiting.discard(connection)
            connection.expire()
        if self._waiting:
            self._sweeper = loop.call_later(self._tick, self._sweep)

    async def _connection(self, origin: _Origin) -> _Connection:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()  # the most recently used is the likeliest still open
            if connection.reusable and connection.transport is not None \
                    and not connection.transport.is_closing():
                return connection
            connection.close()
        loop = asyncio.get_running_loop()
        context = None
        if origin.scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            context = self._ssl
        try:
            async with asyncio.timeout(self.timeout):
                _, connection = await loop.create_connection(
                    _Connection, origin.host, origin.port, ssl=context,
                    server_hostname=origin.host if context else None)
        except (OSError, TimeoutError) as e:
            raise CallbackFailed(0, f"cannot connect to {origin.host}: {e!r}") from None
        self.opened += 1
        return connection
