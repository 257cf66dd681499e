"""Private replies to interest-button presses, posted straight to Discord's interaction callback.

Presses are the bot's hot path: at a live event hundreds of attendees press within the same
second, and each must be answered within Discord's 3-second window (our target: p99 ≤ 100 ms
for 200 at once, `benchmarks/button_presses.py`). discord.py's `InteractionResponse` costs
about 0.3 ms of event-loop time per reply that a press does not need: since 2.5 it always asks
Discord to echo the created message back (`with_response`) and parses it into a `Message`,
and it goes through the webhook adapter's rate-limit bookkeeping, which interaction callbacks
are not subject to. This module posts the documented callback body (type 4, ephemeral, no
mentions) and takes Discord's empty 204 answer.

Connections are kept alive and capped: a burst of presses queues for a few warm connections
instead of opening one each (on the real Discord that would be one TLS handshake per press).
"""

from __future__ import annotations

import logging

import aiohttp
import discord
import orjson

log = logging.getLogger(__name__)

CHANNEL_MESSAGE = 4  # InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
EPHEMERAL = 64  # MessageFlags.EPHEMERAL
CONNECTIONS = 32
USER_AGENT = (f"DiscordBot (https://github.com/Rapptz/discord.py {discord.__version__}) "
              "session-scheduler")


class CallbackFailed(Exception):
    """Discord refused or did not take a callback (status 0: no answer at all)."""

    def __init__(self, status: int, text: str):
        super().__init__(f"interaction callback failed: {status} {text[:200]}")
        self.status = status


class InteractionCallbacks:
    """One keep-alive session for the replies; opened in `setup_hook`, closed with the bot."""

    def __init__(self, connections: int = CONNECTIONS):
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": USER_AGENT, "Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=10))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def reply_private(self, interaction: discord.Interaction, content: str) -> None:
        """An ephemeral message as the interaction's response; raises `CallbackFailed`."""
        if self._session is None:
            raise CallbackFailed(0, "the callback session is closed")
        body = orjson.dumps({"type": CHANNEL_MESSAGE, "data": {
            "content": content[:2000], "flags": EPHEMERAL, "allowed_mentions": {"parse": []}}})
        # Route.BASE is read per call: it is where discord.py itself sends its requests.
        base = discord.http.Route.BASE
        url = f"{base}/interactions/{interaction.id}/{interaction.token}/callback"
        try:
            async with self._session.post(url, data=body) as response:
                if response.status >= 300:
                    raise CallbackFailed(response.status, await response.text())
        except aiohttp.ClientError as e:
            raise CallbackFailed(0, repr(e)) from e
