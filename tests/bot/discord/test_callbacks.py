"""The interaction-callback pool against small real HTTP servers on loopback: kept-alive
reuse, a server that drops a kept-alive connection, chunked error bodies, `Connection: close`,
silence and refusal. (Its use by the bot is covered end to end in tests/e2e.)"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from collections.abc import Callable

import discord
import pytest
import trustme

from bot.discord.callbacks import CallbackFailed, InteractionCallbacks

NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


class Server:
    """Reads whole requests; `answer(n, request)` gives the bytes to send for the n-th
    request (None: close without answering, b"": stay silent)."""

    def __init__(self, answer: Callable[[int, bytes], bytes | None],
                 tls: ssl.SSLContext | None = None, host: str = "127.0.0.1"):
        self.answer = answer
        self.tls, self.host = tls, host
        self.requests: list[bytes] = []
        self.connections = 0

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self.server.sockets[0].getsockname()[1]
        self._base = discord.http.Route.BASE
        scheme = "https" if self.tls else "http"
        discord.http.Route.BASE = f"{scheme}://{self.host}:{self.port}/api/v10"
        return self

    async def __aexit__(self, *exc) -> None:
        discord.http.Route.BASE = self._base
        self.server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.server.wait_closed(), 1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"Content-Length: (\d+)", head)[1])  # type: ignore[index]
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                reply = self.answer(len(self.requests), request)
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
                if b"Connection: close" in reply:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def pool():
    callbacks = InteractionCallbacks(connections=4, timeout=0.5)
    await callbacks.open()
    yield callbacks
    await callbacks.close()


async def test_requests_reuse_a_few_kept_alive_connections(pool) -> None:
    async with Server(lambda n, r: NO_CONTENT) as server:
        results = await asyncio.gather(*(pool.post(f"/interactions/{i}/t/callback", b"{}")
                                         for i in range(40)))
    assert [status for status, _ in results] == [204] * 40
    assert len(server.requests) == 40 and server.connections <= 4 and pool.opened <= 4
    first = server.requests[0].decode()
    assert first.startswith("POST /api/v10/interactions/")
    assert f"Host: 127.0.0.1:{server.port}\r\n" in first
    assert "Content-Type: application/json\r\n" in first and "User-Agent: DiscordBot" in first


async def test_a_dropped_kept_alive_connection_is_replaced(pool) -> None:
    # the server closes the connection on the second request without answering it, as a
    # server does when it times out an idle connection just as a request goes out
    async with Server(lambda n, r: None if n == 2 else NO_CONTENT) as server:
        assert (await pool.post("/interactions/1/t/callback", b"{}"))[0] == 204
        assert (await pool.post("/interactions/2/t/callback", b"{}"))[0] == 204
    assert len(server.requests) == 3 and server.connections == 2


async def test_an_error_body_in_chunks_is_read_whole(pool) -> None:
    body = b'{"message": "Unknown interaction", "code": 10062}'
    chunked = (b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n%s\r\n" % (20, body[:20]) + b"%x\r\n%s\r\n" % (len(body) - 20, body[20:])
               + b"0\r\n\r\n")
    async with Server(lambda n, r: chunked):
        status, answer = await pool.post("/interactions/1/t/callback", b"{}")
        assert (status, answer) == (404, body)
        with pytest.raises(CallbackFailed, match="404.*Unknown interaction") as e:
            await pool.reply_private(1, "t", "hi")
        assert e.value.status == 404


async def test_connection_close_is_honoured(pool) -> None:
    closing = b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
    async with Server(lambda n, r: closing) as server:
        for i in range(3):
            assert (await pool.post(f"/interactions/{i}/t/callback", b"{}"))[0] == 204
    assert server.connections == 3


async def test_silence_and_refusal_fail_cleanly(pool) -> None:
    async with Server(lambda n, r: b"") as server:  # reads, never answers
        with pytest.raises(CallbackFailed, match="no answer in time"):
            await pool.post("/interactions/1/t/callback", b"{}")
        port = server.port
    discord.http.Route.BASE, base = f"http://127.0.0.1:{port}/api/v10", discord.http.Route.BASE
    try:  # nothing listens there any more
        with pytest.raises(CallbackFailed, match="cannot connect"):
            await pool.post("/interactions/1/t/callback", b"{}")
    finally:
        discord.http.Route.BASE = base


async def test_a_closed_pool_refuses() -> None:
    callbacks = InteractionCallbacks()
    with pytest.raises(CallbackFailed, match="closed"):
        await callbacks.post("/interactions/1/t/callback", b"{}")


async def test_https_is_verified_against_the_trusted_authorities() -> None:
    """Discord is reached over TLS: the certificate and the host name are checked, and the
    encrypted connection is kept alive like a plain one."""
    authority = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_tls)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    async with Server(lambda n, r: NO_CONTENT, tls=server_tls, host="localhost") as server:
        pool = InteractionCallbacks(connections=2, timeout=2, ssl_context=trusting)
        await pool.open()
        try:
            for i in range(3):
                assert (await pool.post(f"/interactions/{i}/t/callback", b"{}"))[0] == 204
        finally:
            await pool.close()
        assert server.connections == 1 and len(server.requests) == 3
        assert b"Host: localhost:%d\r\n" % server.port in server.requests[0]

        strict = InteractionCallbacks(timeout=2)  # the system's authorities only
        await strict.open()
        try:
            with pytest.raises(CallbackFailed, match="CERTIFICATE_VERIFY_FAILED"):
                await strict.post("/interactions/9/t/callback", b"{}")
        finally:
            await strict.close()
