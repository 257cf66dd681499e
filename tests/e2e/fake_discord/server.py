"""The loopback stand-in of Discord: REST API and gateway on 127.0.0.1, for the real discord.py.

A test starts it, points discord.py at it (``Route.BASE``, ``DEFAULT_GATEWAY``), connects a real
client, dispatches interactions as a user would, and asserts on what the bot sent back.
Everything the bot sends is recorded in order; unknown routes and stand-in crashes are recorded
too and fail the test at teardown (see :meth:`FakeDiscord.assert_clean`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import math
import secrets
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

from .gateway import Connection, Session, dump_bytes, dumps, loads
from .interactions import (
    ALLOWED_CALLBACKS,
    Callback,
    InteractionRecord,
    InteractionRejected,
    InteractionType,
    OptionBuilder,
    check_command_allowed,
    find_command,
    find_component,
    modal_submit_components,
    walk_to_leaf,
    wrap_options,
)
from .messages import (
    EPHEMERAL,
    LOADING,
    DiscordError,
    MessageFactory,
    Sent,
    UploadedFile,
    invalid,
    validate_choices,
    validate_modal,
)
from .state import Channel, ChannelType, FakeFile, Guild, Member, Perm, Role, State, User, snowflake

API = "/api/v10"
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_SCHEDULED_EVENTS = 1 << 16
#: Discord (Receiving and Responding): "Interaction tokens are valid for 15 minutes".
TOKEN_LIFETIME = 15 * 60.0


def json_response(data: Any, status: int = 200) -> web.Response:
    """discord.py parses a body only if Content-Type is exactly ``application/json``."""
    return web.Response(
        body=dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class Request:
    """One REST call the bot made."""

    method: str
    path: str
    #: The route template, e.g. ``/channels/{channel_id}/messages`` (None if unknown).
    route: str | None
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    #: ``time.perf_counter()`` when the request's first bytes reached the stand-in (Discord
    #: times a callback by its arrival; `ArrivalStamps`).
    at: float
    status: int | None = None
    #: The client's (host, port): tells requests on one kept-alive connection apart.
    peer: tuple[str, int] | None = None
    #: When the stand-in began handling it: later than ``at`` while it was busy with others.
    handled_at: float | None = None


RECORD = web.RequestKey("record", Request)


class RateLimited(Exception):
    """A request over a route's limit: answered 429."""

    def __init__(self, retry_after: float, headers: dict[str, str]) -> None:
        super().__init__(f"rate limited for {retry_after:.3f}s")
        self.retry_after, self.headers = retry_after, headers


@dataclass
class GatewayOp:
    """One frame the client sent on the gateway (IDENTIFY, RESUME, heartbeats...)."""

    op: int
    data: Any
    path: str
    at: float = field(default_factory=time.perf_counter)


@dataclass
class RateLimit:
    """A per-route limit a test sets (`FakeDiscord.rate_limit`): `limit` requests per window of
    `per` seconds, counted apart for each top-level resource of the path (guild, channel or
    webhook), as Discord counts them. The window starts with its first request."""

    limit: int
    per: float
    bucket: str
    #: top-level resource → (window end, requests made in the window)
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    def take(self, major: str, now: float) -> tuple[bool, int, float]:
        """(allowed, remaining, seconds until the window resets) for one request now."""
        end, used = self.windows.get(major, (0.0, 0))
        if now >= end:
            end, used = now + self.per, 0
        allowed = used < self.limit
        used += allowed
        self.windows[major] = (end, used)
        return allowed, self.limit - used, end - now


def point_discord_py_at(port: int) -> Callable[[], None]:
    """Send discord.py's REST calls and gateway connections to a stand-in on this machine's
    ``port`` (also one in another process); returns the function that undoes it."""
    route_base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = f"http://127.0.0.1:{port}{API}"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")

    def undo() -> None:
        discord.http.Route.BASE = route_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway

    return undo


class ArrivalStamps(asyncio.Protocol):
    """aiohttp's protocol for one connection, behind a note of when each request's first bytes
    reached the stand-in. Discord times a callback by its arrival; a one-process stand-in busy
    with other requests may handle it later, which is the stand-in's delay, not the bot's.
    Requests on a connection come one at a time (HTTP/1.1 without pipelining, as aiohttp and
    the bot's callback pool send them), so the first bytes after a request was taken are the
    next request's."""

    def __init__(self, inner: asyncio.Protocol) -> None:
        self._inner = inner
        self._arrived: float | None = None

    @staticmethod
    def take(request: web.BaseRequest) -> float | None:
        """The arrival of ``request`` (call once its body is read); None if unknown."""
        protocol = request.transport.get_protocol() if request.transport else None
        if not isinstance(protocol, ArrivalStamps):
            return None
        arrived, protocol._arrived = protocol._arrived, None
        return arrived

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._arrived is None:
            self._arrived = time.perf_counter()
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()


class Turnstile:
    """Lets one REST handler run per turn of the event loop, so the loop polls its sockets (and
    `ArrivalStamps` notes arrivals) between handlers. Without it, a burst of callbacks read in
    one poll was handled in one turn, tens of milliseconds during which later callbacks sat
    unread in the socket and were stamped late: the stand-in's queue counted as the bot's
    latency. Handlers never await, so a turn is one whole handler."""

    def __init__(self) -> None:
        self._busy = False
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()

    async def enter(self) -> None:
        if self._busy or self._waiting:
            turn = asyncio.get_running_loop().create_future()
            self._waiting.append(turn)
            try:
                await turn  # set by `_next`, which keeps `_busy` for us
            except asyncio.CancelledError:
                if not turn.cancelled():  # the turn came with the cancellation: pass it on
                    self.leave()
                raise
        self._busy = True

    def leave(self) -> None:
        asyncio.get_running_loop().call_soon(self._next)  # the next turn, after a poll

    def _next(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():  # a cancelled request gave its turn up
                turn.set_result(None)
                return
        self._busy = False


class FakeDiscord:
    """A fake Discord with one application/bot, one guild, an owner and a plain member.

    Use ``async with FakeDiscord() as fake:`` (starts the server and patches discord.py), then
    ``await fake.connect(client)``. Seeded objects: ``fake.guild``, ``fake.channel`` (#general),
    ``fake.owner`` (guild owner), ``fake.member`` (no roles), ``fake.bot_user``, ``fake.bot_role``.
    """

    def __init__(self, *, callback_deadline: float = 3.0, guild_name: str = "Unconference") -> None:
        #: Discord answers 404 Unknown interaction to a callback later than this (seconds).
        self.callback_deadline = callback_deadline
        #: Discord: "Interaction tokens are valid for 15 minutes"; later, the followup and
        #: message routes of the token answer 401 Invalid Webhook Token (50027). Seconds from
        #: INTERACTION_CREATE; a test shortens it (or `expire_tokens`) to see what the bot does.
        self.token_lifetime = TOKEN_LIFETIME
        self.state = State()
        self.token = "fake-bot-token-" + secrets.token_hex(8)
        self.bot_user = self.state.add_user("scheduler-bot", bot=True)
        self.application_id = self.bot_user.id
        owner = self.state.add_user("owner")
        self.guild = self.state.add_guild(guild_name, owner)
        self.owner: Member = self.guild.members[owner.id]
        self.bot_role = self.state.add_role(
            self.guild,
            "scheduler-bot",
            permissions=Perm.BOT_DEFAULT,
            managed=True,
            bot_id=self.bot_user.id,
        )
        self.bot_member = self.state.add_member(self.guild, self.bot_user, [self.bot_role])
        self.member = self.state.add_member(self.guild, self.state.add_user("member"))
        self.channel = self.state.add_channel(self.guild, "general")

        #: Every REST call, in order.
        self.requests: list[Request] = []
        #: Every message created or edited by the bot, by any route, in order.
        self.sent: list[Sent] = []
        #: Calls to routes the stand-in does not know (the bot needs something not covered).
        self.unknown_routes: list[Request] = []
        #: Tracebacks of stand-in bugs (answered with 400 so discord.py does not retry 5xx).
        self.errors: list[str] = []
        self.allow_unknown_routes = False
        self.interactions: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        #: Frames the client sent on the gateway, in order.
        self.gateway_ops: list[GatewayOp] = []
        #: The code of the close frame of each gateway socket the client closed, in order
        #: (1006: the connection went away without one).
        self.gateway_closes: list[int] = []
        #: User ids whose DMs are closed: sending to them fails with 50007.
        self.dms_closed: set[int] = set()
        #: "METHOD /route/{template}" → its rate limit (`rate_limit`).
        self.rate_limits: dict[str, RateLimit] = {}

        self.session: Session | None = None
        self.intents = 0
        self._connections: list[Connection] = []
        self._live = asyncio.Event()
        self._change = asyncio.Event()
        self._clients: dict[discord.Client, asyncio.Task[None]] = {}
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._turnstile = Turnstile()
        self._undo_patch: list[Callable[[], None]] = []
        self.port = 0
        self.messages = MessageFactory(self.state, self.bot_user, self.file_url)

    # === lifecycle ===========================================================================

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API

    @property
    def resume_gateway_url(self) -> str:
        """Deliberately a different path, so tests can see resumes use READY's URL."""
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        protocol = self._runner.server
        assert protocol is not None
        self._server = await asyncio.get_running_loop().create_server(
            lambda: ArrivalStamps(protocol()), "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def patch_discord(self) -> None:
        """Point discord.py's REST base and default gateway at the stand-in (undone by stop)."""
        self._undo_patch.append(point_discord_py_at(self.port))

    async def stop(self) -> None:
        for client in list(self._clients):
            await self.disconnect(client)
        for conn in list(self._connections):
            await conn.close(1001)
        if self._server is not None:
            self._server.close()  # stop accepting; the runner closes the open connections
        if self._runner is not None:
            await self._runner.cleanup()
        while self._undo_patch:
            self._undo_patch.pop()()

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        self.patch_discord()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def assert_clean(self) -> None:
        """Fail if the bot called routes the stand-in does not know, or the stand-in crashed."""
        problems = [f"stand-in error:\n{e}" for e in self.errors]
        if not self.allow_unknown_routes:
            problems += [f"unknown route: {r.method} {r.path}" for r in self.unknown_routes]
        assert not problems, "\n".join(problems)

    # === clients =============================================================================

    async def connect(
        self, client: discord.Client, *, timeout: float = 15.0, fast_identify: bool = True
    ) -> discord.Client:
        """Start ``client`` against the stand-in and wait until it is ready (on_ready fired).

        The client should be built with a small ``guild_ready_timeout`` (e.g. 0.05), or READY
        waits two seconds for more guilds. ``fast_identify`` drops the 5 s pause discord.py
        takes before a re-IDENTIFY (it guards Discord's identify rate limit, which the stand-in
        does not have), unless the client overrides ``before_identify_hook`` itself.
        """
        if fast_identify and (
            type(client).before_identify_hook is discord.Client.before_identify_hook
        ):

            async def no_pause(shard_id: int | None, *, initial: bool = False) -> None:
                return None

            client.before_identify_hook = no_pause  # type: ignore[method-assign]
        task = asyncio.create_task(client.start(self.token), name=f"discord-client-{id(client)}")
        self._clients[client] = task
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not client.is_ready():
            if task.done():
                del self._clients[client]
                task.result()  # raise the client's own error
                raise AssertionError(f"client stopped before ready. {self._diagnostics()}")
            if loop.time() > deadline:
                raise AssertionError(f"client not ready after {timeout}s. {self._diagnostics()}")
            await asyncio.sleep(0.01)
        return client

    async def disconnect(self, client: discord.Client) -> None:
        """Close the client (as a process shutdown would) and wait for its task to end."""
        task = self._clients.pop(client, None)
        await client.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, discord.ConnectionClosed):
                await asyncio.wait_for(task, 10)

    async def restart(self, old: discord.Client, new: discord.Client) -> discord.Client:
        """Stop ``old`` and connect ``new`` against the same state (a bot process restart)."""
        await self.disconnect(old)
        return await self.connect(new)

    # === gateway control =====================================================================

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the gateway socket with a resumable code: the client RESUMEs at
        ``resume_gateway_url`` and gets the events it missed replayed."""
        conn = self._current_connection()
        self._live.clear()
        if self.session is not None:
            self.session.connection = None
        await conn.close(code)

    async def invalidate_session(self) -> None:
        """Send op 9 (not resumable): the client must IDENTIFY again from scratch."""
        conn = self._current_connection()
        self._live.clear()
        if self.session is not None:
            self.session.connection = None
        self.session = None
        conn.send({"op": 9, "d": False})

    async def request_reconnect(self) -> None:
        """Send op 7: the client closes and RESUMEs."""
        conn = self._current_connection()
        self._live.clear()
        if self.session is not None:
            self.session.connection = None
        conn.send({"op": 7, "d": None})

    async def wait_live(self, timeout: float = 10.0) -> None:
        """Wait until a client session is attached again (after READY or RESUMED was written)."""
        try:
            await asyncio.wait_for(self._live.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"gateway not live after {timeout}s. {self._diagnostics()}"
            ) from None

    def ops(self, op: int) -> list[GatewayOp]:
        """Frames of one opcode the client sent (2 IDENTIFY, 6 RESUME, 1 heartbeat...)."""
        return [g for g in self.gateway_ops if g.op == op]

    def dispatch(self, event: str, data: dict[str, Any]) -> asyncio.Future[float] | None:
        """Send a gateway event to the connected client (kept for replay if it is away).
        Returns a future of the write time, or None when no session exists."""
        if self.session is None:
            return None
        return self.session.dispatch(event, data)

    def _current_connection(self) -> Connection:
        if self.session is None or self.session.connection is None:
            raise AssertionError("no client is connected to the stand-in gateway")
        return self.session.connection

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request.path)
        self._connections.append(conn)
        conn.send({"op": 10, "d": {"heartbeat_interval": 41250}})
        closed_with = 1006  # no close frame: the connection went away
        try:
            while True:
                msg = await ws.receive()
                if msg.type == WSMsgType.CLOSE:
                    closed_with = msg.data  # the client's close frame
                    break
                if msg.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                    break
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, data = frame.get("op"), frame.get("d")
                self.gateway_ops.append(GatewayOp(op, data, request.path))
                self._notify()
                if op == 1:
                    conn.send({"op": 11})
                elif op == 2:
                    self._identify(conn, data)
                elif op == 6:
                    self._resume(conn, data)
                elif op == 8:
                    self._request_members(conn, data)
        finally:
            if not conn.closed_here:
                self.gateway_closes.append(closed_with)
                self._notify()
            if self.session is not None and self.session.connection is conn:
                self.session.connection = None
                self._live.clear()
            self._connections.remove(conn)
            conn.queue.put_nowait(None)
        return ws

    def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            asyncio.create_task(conn.close(4004))  # Authentication failed
            return
        self.intents = int(data.get("intents") or 0)
        self.session = session = Session()
        session.connection = conn
        conn.session = session
        session.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in self._bot_guilds()],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.resume_gateway_url,
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "user_settings": {},
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["local"],
            },
        )
        last: asyncio.Future[float] | None = None
        for guild in self._bot_guilds():
            last = session.dispatch("GUILD_CREATE", self._guild_create(guild))
        self._set_live_when(last)

    def _guild_create(self, guild: Guild) -> dict[str, Any]:
        data = guild.payload()
        if not self.intents & INTENT_GUILD_MEMBERS:
            # Without the privileged intent Discord sends only the bot's own member.
            data["members"] = [guild.members[self.bot_user.id].payload()]
        return data

    def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.session
        if (
            session is None
            or data.get("session_id") != session.id
            or (data.get("token") != self.token)
        ):
            conn.send({"op": 9, "d": False})
            return
        session.connection = conn
        conn.session = session
        session.replay_after(int(data.get("seq") or 0), conn)
        self._set_live_when(session.dispatch("RESUMED", {}))

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        guild = self.state.guilds.get(int(data["guild_id"]))
        if guild is None or self.session is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.id in wanted]
        self.session.dispatch(
            "GUILD_MEMBERS_CHUNK",
            {
                "guild_id": str(guild.id),
                "members": [m.payload() for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": data.get("nonce"),
            },
        )

    def _set_live_when(self, written: asyncio.Future[float] | None) -> None:
        if written is None:
            self._live.set()
        else:
            written.add_done_callback(lambda _: self._live.set())

    def _bot_guilds(self) -> list[Guild]:
        return [g for g in self.state.guilds.values() if self.bot_user.id in g.members]

    # === test-side changes to "Discord" (with the gateway events the client relies on) =======

    def add_member(
        self, name: str, *, roles: Sequence[Role] = (), guild: Guild | None = None
    ) -> Member:
        guild = guild or self.guild
        member = self.state.add_member(guild, self.state.add_user(name), list(roles))
        if self.intents & INTENT_GUILD_MEMBERS:
            self.dispatch("GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)})
        return member

    def add_role(
        self, name: str, *, permissions: int = 0, guild: Guild | None = None, **kwargs: Any
    ) -> Role:
        guild = guild or self.guild
        role = self.state.add_role(guild, name, permissions=permissions, **kwargs)
        self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()})
        return role

    def add_channel(
        self, name: str, *, type: int = ChannelType.TEXT, guild: Guild | None = None, **kwargs: Any
    ) -> Channel:
        guild = guild or self.guild
        channel = self.state.add_channel(guild, name, type=type, **kwargs)
        self.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def edit_role(
        self, role: Role, *, permissions: int | None = None, position: int | None = None
    ) -> Role:
        """Change a role's permissions or position as an admin would (GUILD_ROLE_UPDATE)."""
        if permissions is not None:
            role.permissions = permissions
        if position is not None:
            role.position = position
        self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(role.guild_id), "role": role.payload()})
        return role

    def join_guild(
        self,
        name: str,
        *,
        bot_permissions: int = Perm.BOT_DEFAULT,
        everyone_permissions: int = Perm.EVERYONE_DEFAULT,
        channels: Sequence[str] = ("general",),
        system_channel: str | None = None,
    ) -> Guild:
        """The bot is added to another server (its owner accepted the invite): the guild with
        an owner, the bot's managed role and member, @everyone's permissions, and text
        ``channels`` (``system_channel`` names Discord's notice channel), sent to the connected
        client as Discord does after READY, one GUILD_CREATE (discord.py then calls
        ``on_guild_join``)."""
        owner = self.state.add_user(f"{name}-owner")
        guild = self.state.add_guild(name, owner)
        guild.everyone.permissions = everyone_permissions
        role = self.state.add_role(
            guild, self.bot_user.username, permissions=bot_permissions, managed=True,
            bot_id=self.bot_user.id,
        )
        self.state.add_member(guild, self.bot_user, [role])
        for channel in channels:
            made = self.state.add_channel(guild, channel)
            if channel == system_channel:
                guild.system_channel_id = made.id
        if self.session is not None:
            data = self._guild_create(guild)
            # a server joined, not one coming back: Discord leaves out "unavailable" (sent
            # false for the servers of READY), which is how discord.py tells the two apart
            data.pop("unavailable")
            self.session.dispatch("GUILD_CREATE", data)
        return guild

    def set_roles(self, member: Member, roles: list[Role]) -> None:
        """Change a member's roles as an admin would in Discord's UI."""
        member.roles = [r.id for r in roles]
        self._member_updated(self.state.guilds[member.guild_id], member)

    def rate_limit(self, route: str, *, limit: int, per: float) -> RateLimit:
        """Limit ``route`` ("PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}", the
        templates of ``Request.route``) to ``limit`` requests per ``per`` seconds. Discord
        publishes few limits, so a test sets one to see what the bot does when one hits.

        As Discord does (Rate Limits, "Header Format" and "Exceeding A Rate Limit"): every
        answer on the route carries ``X-RateLimit-Limit``, ``-Remaining``, ``-Reset``,
        ``-Reset-After`` and ``-Bucket``; a request over the limit gets HTTP 429 with
        ``{"message": "You are being rate limited.", "retry_after": s, "global": false}``,
        ``Retry-After``, ``X-RateLimit-Scope: user`` and a ``Via`` header (Discord's answers
        come through its proxies; without it discord.py takes a 429 for a Cloudflare ban).
        Refused requests are recorded with status 429."""
        method, template = route.split(" ", 1)
        found = RateLimit(limit, per, secrets.token_hex(16))
        self.rate_limits[f"{method} {template}"] = found
        return found

    def _member_updated(self, guild: Guild, member: Member) -> None:
        if self.intents & INTENT_GUILD_MEMBERS:
            self.dispatch("GUILD_MEMBER_UPDATE", {**member.payload(), "guild_id": str(guild.id)})

    # === interactions ========================================================================

    async def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user: Member | User | None = None,
        channel: Channel | None = None,
        bypass_permissions: bool = False,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """A user runs ``/command [group] [sub]`` with ``options`` (name → value).

        Values: str/int/float/bool; Member/User/Role/Channel for those types; ``Upload`` for
        attachments. Checked against the synced schema; ``bypass_permissions`` skips only
        ``default_member_permissions`` (to prove the bot re-checks).
        """
        name, path, guild, channel, user = self._command_target(command, user, channel)
        cmd = find_command(self.state, guild, name)
        check_command_allowed(cmd, guild, user.id, bypass_permissions=bypass_permissions)
        wrappers, schema = walk_to_leaf(cmd, path)
        builder = OptionBuilder(self.state, guild, self.file_url)
        leaf = builder.build(schema, options or {})
        data = self._command_data(cmd, wrap_options(wrappers, leaf), builder.resolved)
        return await self._send_interaction(
            InteractionType.APPLICATION_COMMAND, data, user, channel, locale=locale
        )

    async def autocomplete(
        self,
        command: str,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
        *,
        user: Member | User | None = None,
        channel: Channel | None = None,
        bypass_permissions: bool = False,
    ) -> InteractionRecord:
        """A user types ``value`` into option ``focused`` of ``/command``; the bot answers with
        choices (``(await fake.wait_for_response(ix.id)).choices``)."""
        name, path, guild, channel, user = self._command_target(command, user, channel)
        cmd = find_command(self.state, guild, name)
        check_command_allowed(cmd, guild, user.id, bypass_permissions=bypass_permissions)
        wrappers, schema = walk_to_leaf(cmd, path)
        builder = OptionBuilder(self.state, guild, self.file_url)
        leaf = builder.build(schema, {**(options or {}), focused: value}, focused=focused)
        data = self._command_data(cmd, wrap_options(wrappers, leaf), builder.resolved)
        return await self._send_interaction(InteractionType.AUTOCOMPLETE, data, user, channel)

    async def click(
        self,
        custom_id: str,
        *,
        message: dict[str, Any] | int | None = None,
        user: Member | User | None = None,
        values: list[str] | None = None,
    ) -> InteractionRecord:
        """A user presses a button (or picks ``values`` in a select) on a message.

        ``message`` defaults to the newest stored message showing ``custom_id``: the stand-in
        keeps messages across client restarts, so this is how persistent views are exercised.
        """
        msg, comp = self._find_component_message(custom_id, message)
        if comp.get("disabled"):
            raise InteractionRejected(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp.get("id") is not None:
            data["id"] = comp["id"]
        if comp["type"] != 2:
            chosen = list(values or [])
            if not comp.get("min_values", 1) <= len(chosen) <= comp.get("max_values", 1):
                raise InteractionRejected(f"select {custom_id!r}: {len(chosen)} values")
            if comp["type"] == 3:
                allowed = {o["value"] for o in comp.get("options", [])}
                if not set(chosen) <= allowed:
                    raise InteractionRejected(f"select {custom_id!r}: {chosen} not in {allowed}")
            data["values"] = chosen
        elif comp.get("style") == 5:
            raise InteractionRejected("link buttons do not send interactions")
        channel = self.state.channels[int(msg["channel_id"])]
        user = self._resolve_user(user, channel)
        if msg["flags"] & EPHEMERAL:
            self._check_ephemeral_viewer(msg, user)
        return await self._send_interaction(
            InteractionType.MESSAGE_COMPONENT, data, user, channel, message=msg
        )

    async def submit_modal(
        self,
        opened_by: InteractionRecord,
        values: dict[str, Any],
        *,
        user: Member | User | None = None,
    ) -> InteractionRecord:
        """The user who got the modal from ``opened_by`` fills ``values`` (custom_id → text,
        or list for selects) and submits it."""
        if opened_by.modal is None:
            raise InteractionRejected(f"interaction {opened_by.id} did not open a modal")
        modal = opened_by.modal
        data = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(modal, values),
        }
        channel = self.state.channels[opened_by.channel_id]  # type: ignore[index]
        if user is None:
            payload = opened_by.payload
            user = self.state.users[int((payload.get("member") or payload)["user"]["id"])]
        user = self._resolve_user(user, channel)
        message = None
        if opened_by.type == InteractionType.MESSAGE_COMPONENT:
            message = opened_by.payload["message"]
        return await self._send_interaction(
            InteractionType.MODAL_SUBMIT, data, user, channel, message=message
        )

    async def wait_for_response(self, interaction_id: int, timeout: float = 5.0) -> Callback:
        """The bot's callback to an interaction (waits for it)."""
        record = self.interactions[interaction_id]
        try:
            async with asyncio.timeout(timeout):  # cheaper than wait_for: no extra task
                await record.responded.wait()
        except TimeoutError:
            raise AssertionError(
                f"no callback for interaction {interaction_id} within {timeout}s; rejected: "
                f"{record.rejected_callbacks}. {self._diagnostics()}"
            ) from None
        assert record.callback is not None
        return record.callback

    def expire_token(self, interaction: InteractionRecord, *, after: int = 0) -> None:
        """Let the interaction's token pass Discord's 15 minutes after ``after`` more requests
        with it (followups, message reads and edits): from then on they answer 401 Invalid
        Webhook Token (50027). Counting requests rather than seconds makes "a run that ends
        after the token" exact, without waiting."""
        interaction.token_uses_left = after

    def responses(self, interaction_id: int) -> list[Sent]:
        """Messages made for an interaction: reply, @original edits, followups, in order."""
        return [s for s in self.sent if s.interaction_id == interaction_id]

    async def wait_until(
        self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition"
    ) -> Any:
        """Wait until ``predicate()`` is truthy, re-checked after each REST call or gateway op."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (result := predicate()):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{what} not met within {timeout}s. {self._diagnostics()}")
            change = self._change
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(change.wait(), remaining)
        return result

    def messages_in(self, channel: Channel | int) -> list[dict[str, Any]]:
        """Messages currently in a channel (ephemeral replies included, flags & 64)."""
        channel_id = channel.id if isinstance(channel, Channel) else channel
        return self.state.messages[channel_id]

    def file_url(self, f: FakeFile) -> str:
        return f"{self.base_url}/attachments/{f.id}/{f.filename}"

    def file_bytes(self, attachment: dict[str, Any]) -> bytes:
        """The bytes behind an attachment payload the bot uploaded."""
        return self.state.files[int(attachment["id"])].data

    # --- interaction plumbing ---

    def _command_target(
        self, command: str, user: Member | User | None, channel: Channel | None
    ) -> tuple[str, list[str], Guild | None, Channel, Member | User]:
        name, *path = command.lstrip("/").split()
        if channel is None:
            # A bare User (not a Member) means "in a DM with the bot".
            channel = self.state.dm_channel(user) if isinstance(user, User) else self.channel
        guild = self.state.guild_of_channel(channel.id)
        return name, path, guild, channel, self._resolve_user(user, channel)

    def _resolve_user(self, user: Member | User | None, channel: Channel) -> Member | User:
        guild = self.state.guild_of_channel(channel.id)
        if guild is None:
            if isinstance(user, Member):
                return user.user
            return user or channel.recipient  # type: ignore[return-value]
        user = user or self.member
        member = guild.members.get(user.id)
        if member is None:
            raise InteractionRejected(f"user {user.id} is not a member of guild {guild.id}")
        return member

    def _command_data(
        self, cmd: dict[str, Any], options: list[dict[str, Any]], resolved: dict[str, Any]
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": cmd["name"],
            "type": cmd.get("type", 1),
            "options": options,
        }
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    def _find_component_message(
        self, custom_id: str, message: dict[str, Any] | int | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The message (given, or the newest showing ``custom_id``) and its component."""
        if isinstance(message, int):
            found = self.state.find_message(message)
            if found is None:
                raise InteractionRejected(f"no message {message}")
            message = found
        if message is not None:
            comp = find_component(message.get("components") or [], custom_id)
            if comp is None:
                raise InteractionRejected(f"message {message['id']} has no component {custom_id!r}")
            return message, comp
        newest = self._newest_showing(custom_id)
        if newest is None:
            raise InteractionRejected(f"no message shows a component {custom_id!r}")
        return newest

    def message_showing(self, custom_id: str) -> dict[str, Any] | None:
        """The newest stored message with a component ``custom_id`` (None if none does)."""
        newest = self._newest_showing(custom_id)
        return None if newest is None else newest[0]

    def _newest_showing(self, custom_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        newest = None
        for messages in self.state.messages.values():
            for m in messages:
                if newest is None or int(m["id"]) > int(newest[0]["id"]):
                    comp = find_component(m.get("components") or [], custom_id)
                    if comp is not None:
                        newest = m, comp
        return newest

    def _check_ephemeral_viewer(self, msg: dict[str, Any], user: Member | User) -> None:
        meta = msg.get("interaction_metadata") or {}
        owner = (meta.get("user") or {}).get("id")
        if owner is not None and int(owner) != user.id:
            raise InteractionRejected("only the recipient can see an ephemeral message")

    async def _send_interaction(
        self,
        type: int,
        data: dict[str, Any],
        user: Member | User,
        channel: Channel,
        *,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        if self.session is None:
            raise AssertionError("no client is connected to the stand-in gateway")
        guild = self.state.guild_of_channel(channel.id)
        interaction_id = snowflake()
        token = f"aW50ZXJhY3Rpb24.{interaction_id}.{secrets.token_urlsafe(24)}"
        channel_data = channel.payload()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": type,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "channel_id": str(channel.id),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None:
            assert isinstance(user, Member)
            perms = guild.member_permissions(user.id)
            channel_data["permissions"] = str(perms)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member=user.payload(perms),
                app_permissions=str(guild.member_permissions(self.bot_user.id)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            assert isinstance(user, User)
            payload.update(
                user=user.payload(),
                app_permissions=str(Perm.EVERYONE_DEFAULT),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        payload["channel"] = channel_data
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(interaction_id, token, type, payload, channel.id)
        if message is not None:
            record.original_message_id = int(message["id"])
        self.interactions[interaction_id] = record
        self._by_token[token] = record
        written = self.session.dispatch("INTERACTION_CREATE", payload)
        async with asyncio.timeout(10):
            record.dispatched_at = await written
        return record

    def _interaction_metadata(self, record: InteractionRecord) -> dict[str, Any]:
        payload = record.payload
        user = (payload.get("member") or payload)["user"]
        meta: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": user,
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        if record.type == InteractionType.APPLICATION_COMMAND:
            meta["name"] = payload["data"]["name"]
            meta["command_type"] = payload["data"].get("type", 1)
        if record.type == InteractionType.MESSAGE_COMPONENT:
            meta["interacted_message_id"] = payload["message"]["id"]
        return meta

    # === REST plumbing =======================================================================

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith(API):
            ArrivalStamps.take(request)
            return await handler(request)
        body, files = await self._read_body(request)
        arrived = ArrivalStamps.take(request)  # after the body: its bytes are this request's
        await self._turnstile.enter()
        try:
            return await self._handle(request, handler, body, files, arrived)
        finally:
            self._turnstile.leave()

    async def _handle(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        body: Any,
        files: list[UploadedFile],
        arrived: float | None,
    ) -> web.StreamResponse:
        handled_at = time.perf_counter()
        route = None
        if request.match_info.http_exception is None:
            route = request.match_info.route.resource.canonical[len(API) :]  # type: ignore
        record = Request(
            request.method, request.path[len(API) :], route, dict(request.query), body, files,
            arrived if arrived is not None else handled_at,
            peer=request.transport.get_extra_info("peername") if request.transport else None,
            handled_at=handled_at,
        )
        request[RECORD] = record
        self.requests.append(record)
        try:
            if route is None:
                self.unknown_routes.append(record)
                raise DiscordError(404, 0, f"404: Not Found ({request.method} {record.path})")
            if not self._auth_ok(request, route):
                raise DiscordError(401, 0, "401: Unauthorized")
            limited = self.rate_limits.get(f"{request.method} {route}")
            headers: dict[str, str] = {}
            if limited is not None:
                allowed, headers = self._rate_limit_headers(limited, request)
                if not allowed:
                    raise RateLimited(float(headers["X-RateLimit-Reset-After"]), headers)
            response = await handler(request)
            response.headers.update(headers)
        except RateLimited as e:
            response = json_response({"message": "You are being rate limited.",
                                      "retry_after": e.retry_after, "global": False}, 429)
            response.headers.update(e.headers)
        except DiscordError as e:
            response = json_response(e.body(), e.status)
        except Exception as e:
            self.errors.append(traceback.format_exc())
            response = json_response({"message": f"stand-in error: {e!r}", "code": 0}, 400)
        record.status = response.status
        self._notify()
        return response

    @staticmethod
    def _rate_limit_headers(limited: RateLimit, request: web.Request
                            ) -> tuple[bool, dict[str, str]]:
        """Count the request in its window: (allowed, the headers of the answer)."""
        info = request.match_info
        major = info.get("guild_id") or info.get("channel_id") or (
            f"{info.get('app_id')}/{info.get('token')}" if "token" in info else "")
        allowed, remaining, reset_after = limited.take(major, time.monotonic())
        headers = {
            "X-RateLimit-Limit": str(limited.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": limited.bucket,
            "Via": "1.1 google",
        }
        if not allowed:
            headers.update({"Retry-After": str(math.ceil(reset_after)),
                            "X-RateLimit-Scope": "user"})
        return allowed, headers

    def _auth_ok(self, request: web.Request, route: str) -> bool:
        # Interaction callbacks and webhooks authenticate by their token in the path.
        if route.startswith(("/interactions/", "/webhooks/")):
            return True
        return request.headers.get("Authorization") == f"Bot {self.token}"

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if not request.body_exists:
            return None, []
        if request.content_type.startswith("multipart/"):
            body, files = None, []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                raw = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = json.loads(raw)
                else:
                    files.append(
                        UploadedFile(
                            field=part.name or "",
                            filename=part.filename or "",  # type: ignore[union-attr]
                            data=bytes(raw),
                            content_type=part.headers.get(
                                "Content-Type", "application/octet-stream"
                            ),
                        )
                    )
            return body, files
        raw = await request.read()
        return (loads(raw) if raw else None), []

    def _notify(self) -> None:
        self._change.set()
        self._change = asyncio.Event()

    def _diagnostics(self) -> str:
        return (
            f"unknown routes: {[(r.method, r.path) for r in self.unknown_routes]}; "
            f"stand-in errors: {len(self.errors)}; "
            f"last requests: {[(r.method, r.path, r.status) for r in self.requests[-5:]]}"
        )

    def _record_sent(
        self,
        kind: str,
        message: dict[str, Any],
        body: dict[str, Any] | None,
        files: list[UploadedFile],
        at: float,
        interaction_id: int | None = None,
    ) -> None:
        self.sent.append(
            Sent(
                kind,
                int(message["channel_id"]),
                dump_bytes(message),
                body or {},
                files,
                at,
                interaction_id,
            )
        )

    # --- lookups raising Discord's errors ---

    def _guild(self, request: web.Request) -> Guild:
        guild = self.state.guilds.get(int(request.match_info["guild_id"]))
        if guild is None or self.bot_user.id not in guild.members:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild

    def _channel(self, request: web.Request) -> Channel:
        channel = self.state.channels.get(int(request.match_info["channel_id"]))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return channel

    def _message(self, channel: Channel, message_id: str) -> dict[str, Any]:
        message = self.state.find_message(message_id)
        if message is None or message["channel_id"] != str(channel.id):
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def _require(self, guild: Guild | None, perm: int) -> None:
        if guild is not None and not guild.member_permissions(self.bot_user.id) & perm:
            raise DiscordError(403, 50013, "Missing Permissions")

    def _interaction_by_token(self, request: web.Request) -> InteractionRecord:
        record = self._by_token.get(request.match_info["token"])
        if record is None or request.match_info["app_id"] != str(self.application_id):
            raise DiscordError(404, 10015, "Unknown Webhook")
        arrived = request[RECORD].at
        if (
            record.dispatched_at is not None
            and arrived - record.dispatched_at > self.token_lifetime
        ) or record.token_uses_left == 0:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        if record.token_uses_left is not None:
            record.token_uses_left -= 1
        return record

    # === routes ==============================================================================

    def _add_routes(self, app: web.Application) -> None:
        r = app.router
        api = [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway),
            ("GET", "/applications/{app_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/commands", self._put_commands),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app_id}/{token}", self._followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_webhook_msg),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._edit_webhook_msg),
            (
                "DELETE",
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self._delete_webhook_msg,
            ),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("GET", "/channels/{channel_id}/messages", self._list_messages),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("POST", "/channels/{channel_id}/typing", self._typing),
            (
                "POST",
                "/channels/{channel_id}/messages/{message_id}/threads",
                self._thread_from_message,
            ),
            ("POST", "/channels/{channel_id}/threads", self._thread),
            ("POST", "/users/@me/channels", self._open_dm),
            ("GET", "/guilds/{guild_id}", self._get_guild),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels),
            ("POST", "/guilds/{guild_id}/channels", self._create_channel),
            ("GET", "/guilds/{guild_id}/roles", self._get_roles),
            ("POST", "/guilds/{guild_id}/roles", self._create_role),
            ("GET", "/guilds/{guild_id}/members", self._list_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._add_role),
            ("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._remove_role),
            ("GET", "/guilds/{guild_id}/scheduled-events", self._list_events),
            ("POST", "/guilds/{guild_id}/scheduled-events", self._create_event),
            ("GET", "/guilds/{guild_id}/scheduled-events/{event_id}", self._get_event),
            ("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}", self._edit_event),
            ("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}", self._delete_event),
        ]
        for method, path, handler in api:
            r.add_route(method, API + _snowflake_params(path), handler)
        r.add_get("/gateway", self._gateway)
        r.add_get("/resume-gateway", self._gateway)
        r.add_get("/attachments/{file_id}/{filename}", self._get_file)

    # --- login and gateway discovery ---

    async def _get_me(self, request: web.Request) -> web.Response:
        return json_response(
            {
                **self.bot_user.payload(),
                "verified": True,
                "mfa_enabled": False,
                "locale": "en-US",
                "email": None,
            }
        )

    async def _get_application(self, request: web.Request) -> web.Response:
        owner = self.owner.user.payload()
        return json_response(
            {
                "id": str(self.application_id),
                "name": self.bot_user.username,
                "icon": None,
                "description": "",
                "summary": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": owner,
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": self.bot_user.payload(),
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "tags": [],
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": f"ws://127.0.0.1:{self.port}",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_file(self, request: web.Request) -> web.Response:
        f = self.state.files.get(int(request.match_info["file_id"]))
        if f is None or f.filename != request.match_info["filename"]:
            raise web.HTTPNotFound()
        return web.Response(body=f.data, headers={"Content-Type": f.content_type})

    # --- application commands ---

    def _command_pool(self, request: web.Request) -> int | None:
        if request.match_info["app_id"] != str(self.application_id):
            raise DiscordError(403, 50001, "Missing Access")
        if "guild_id" in request.match_info:
            return self._guild(request).id
        return None

    async def _get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.state.commands.get(self._command_pool(request), []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite. Ids stay stable for commands whose name/type did not change."""
        guild_id = self._command_pool(request)
        body = request[RECORD].json or []
        if len(body) > 100:
            raise invalid("at most 100 commands")
        old = {(c["name"], c.get("type", 1)): c for c in self.state.commands.get(guild_id, [])}
        stored = []
        for command in body:
            _validate_command(command)
            previous = old.get((command["name"], command.get("type", 1)))
            data = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": previous["id"] if previous else str(snowflake()),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
            }
            if guild_id is not None:
                data["guild_id"] = str(guild_id)
            stored.append(data)
        self.state.commands[guild_id] = stored
        return json_response(stored)

    # --- interaction responses ---

    async def _callback(self, request: web.Request) -> web.Response:
        record_req: Request = request[RECORD]
        record = self.interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        body = record_req.json or {}
        kind = int(body.get("type", 0))
        if record.callback is not None:
            record.rejected_callbacks.append((kind, "40060 already acknowledged"))
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if record.dispatched_at is not None and record_req.at - record.dispatched_at > (
            self.callback_deadline
        ):
            record.rejected_callbacks.append((kind, "10062 too late"))
            raise DiscordError(404, 10062, "Unknown interaction")
        if kind not in ALLOWED_CALLBACKS[record.type] or (
            kind in (6, 7) and record.original_message_id is None
        ):
            record.rejected_callbacks.append((kind, "invalid type"))
            raise invalid(f"callback type {kind} not valid for interaction type {record.type}")
        data = body.get("data") or {}
        message = None
        channel_id = record.channel_id
        assert channel_id is not None
        meta = self._interaction_metadata(record)
        msg_type = 20 if record.type == InteractionType.APPLICATION_COMMAND else 19
        if kind == 4:
            message = self.messages.create(
                channel_id,
                data,
                record_req.files,
                type=msg_type,
                webhook_id=self.application_id,
                interaction=meta,
            )
            record.original_message_id = int(message["id"])
        elif kind == 5:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = self.messages.create(
                channel_id,
                {"flags": flags},
                [],
                type=msg_type,
                webhook_id=self.application_id,
                interaction=meta,
                allow_empty=True,
            )
            record.original_message_id = int(message["id"])
        elif kind == 7:
            original = self.state.find_message(record.original_message_id)  # type: ignore[arg-type]
            if original is None:
                raise DiscordError(404, 10008, "Unknown Message")
            message = self.messages.edit(original, data, record_req.files)
        elif kind == 8:
            validate_choices(data.get("choices") or [])
        elif kind == 9:
            validate_modal(data)
            record.modal = data
        record.callback = Callback(kind, data, record_req.at, record_req.files,
                                   handled_at=record_req.handled_at)
        if kind in (4, 7):
            self._record_sent(
                "callback",
                message,
                data,
                record_req.files,  # type: ignore[arg-type]
                record_req.at,
                record.id,
            )
        record.responded.set()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        result: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if message is not None:
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"]["message"] = message
        return json_response(result)

    def _webhook_message(self, record: InteractionRecord, message_id: str) -> dict[str, Any]:
        if message_id == "@original":
            if record.original_message_id is None or record.callback is None:
                raise DiscordError(404, 10008, "Unknown Message")
            target = record.original_message_id
        else:
            target = int(message_id)
            if target not in record.followup_ids and target != record.original_message_id:
                raise DiscordError(404, 10008, "Unknown Message")
        message = self.state.find_message(target)
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    async def _followup(self, request: web.Request) -> web.Response:
        record = self._interaction_by_token(request)
        req: Request = request[RECORD]
        if record.callback is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        body = req.json or {}
        original = (
            self.state.find_message(record.original_message_id)
            if record.original_message_id
            else None
        )
        if original is not None and original["flags"] & LOADING:
            # Discord: after a deferred reply, the first followup replaces the "thinking" message.
            message = self.messages.edit(original, body, req.files)
        else:
            meta = self._interaction_metadata(record)
            message = self.messages.create(
                record.channel_id,
                body,
                req.files,  # type: ignore
                type=19,
                webhook_id=self.application_id,
                interaction=meta,
            )
            record.followup_ids.append(int(message["id"]))
        self._record_sent("followup", message, body, req.files, req.at, record.id)
        if request.query.get("wait") in ("true", "1", "True"):
            return json_response(message)
        return no_content()

    async def _get_webhook_msg(self, request: web.Request) -> web.Response:
        record = self._interaction_by_token(request)
        return json_response(self._webhook_message(record, request.match_info["message_id"]))

    async def _edit_webhook_msg(self, request: web.Request) -> web.Response:
        record = self._interaction_by_token(request)
        req: Request = request[RECORD]
        message = self._webhook_message(record, request.match_info["message_id"])
        self.messages.edit(message, req.json or {}, req.files)
        kind = "edit_original" if request.match_info["message_id"] == "@original" else "edit"
        self._record_sent(kind, message, req.json, req.files, req.at, record.id)
        return json_response(message)

    async def _delete_webhook_msg(self, request: web.Request) -> web.Response:
        record = self._interaction_by_token(request)
        message = self._webhook_message(record, request.match_info["message_id"])
        self._remove_message(message)
        self._record_sent("delete", message, None, [], request[RECORD].at, record.id)
        return no_content()

    # --- channels and messages ---

    async def _get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(request).payload())

    async def _list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        limit = min(int(request.query.get("limit", 50)), 100)
        messages = list(reversed(self.state.messages[channel.id]))  # newest first
        messages = [m for m in messages if not m["flags"] & EPHEMERAL]
        if "before" in request.query:
            messages = [m for m in messages if int(m["id"]) < int(request.query["before"])]
        if "after" in request.query:
            messages = [m for m in messages if int(m["id"]) > int(request.query["after"])]
        return json_response(messages[:limit])

    async def _create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        req: Request = request[RECORD]
        guild = self.state.guild_of_channel(channel.id)
        self._require(
            guild, Perm.SEND_MESSAGES if not channel.is_thread else Perm.SEND_MESSAGES_IN_THREADS
        )
        if req.files:
            self._require(guild, Perm.ATTACH_FILES)
        if channel.type == ChannelType.DM and channel.recipient.id in self.dms_closed:  # type: ignore
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        body = req.json or {}
        message = self.messages.create(
            channel.id, body, req.files, type=19 if body.get("message_reference") else 0
        )
        self._record_sent("create", message, body, req.files, req.at)
        return json_response(message)

    async def _get_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(channel, request.match_info["message_id"])
        if message["flags"] & EPHEMERAL:
            raise DiscordError(404, 10008, "Unknown Message")
        return json_response(message)

    async def _edit_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        req: Request = request[RECORD]
        message = self._message(channel, request.match_info["message_id"])
        if message["author"]["id"] != str(self.bot_user.id) or message.get("webhook_id"):
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        self.messages.edit(message, req.json or {}, req.files)
        self._record_sent("edit", message, req.json, req.files, req.at)
        return json_response(message)

    async def _delete_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(channel, request.match_info["message_id"])
        if message["author"]["id"] != str(self.bot_user.id):
            self._require(self.state.guild_of_channel(channel.id), Perm.MANAGE_MESSAGES)
        self._remove_message(message)
        self._record_sent("delete", message, None, [], request[RECORD].at)
        return no_content()

    def _remove_message(self, message: dict[str, Any]) -> None:
        self.state.remove_message(message)

    async def _typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def _open_dm(self, request: web.Request) -> web.Response:
        body = request[RECORD].json or {}
        user = self.state.users.get(int(body.get("recipient_id", 0)))
        if user is None:
            raise DiscordError(400, 50035, "Invalid Form Body")
        return json_response(self.state.dm_channel(user).payload())

    async def _thread_from_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(channel, request.match_info["message_id"])
        guild = self.state.guild_of_channel(channel.id)
        self._require(guild, Perm.CREATE_PUBLIC_THREADS)
        body = request[RECORD].json or {}
        if not body.get("name"):
            raise invalid("thread name is required")
        if message.get("thread"):
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        # Discord gives a thread started from a message the message's id.
        thread = Channel(
            id=int(message["id"]),
            name=body["name"],
            type=ChannelType.PUBLIC_THREAD,
            guild_id=channel.guild_id,
            parent_id=channel.id,
            owner_id=self.bot_user.id,
        )
        return self._store_thread(guild, thread, message)  # type: ignore[arg-type]

    async def _thread(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        guild = self.state.guild_of_channel(channel.id)
        body = request[RECORD].json or {}
        kind = int(body.get("type") or ChannelType.PRIVATE_THREAD)
        self._require(
            guild,
            Perm.CREATE_PRIVATE_THREADS
            if kind == ChannelType.PRIVATE_THREAD
            else Perm.CREATE_PUBLIC_THREADS,
        )
        if not body.get("name"):
            raise invalid("thread name is required")
        thread = Channel(
            id=snowflake(),
            name=body["name"],
            type=kind,
            guild_id=channel.guild_id,
            parent_id=channel.id,
            owner_id=self.bot_user.id,
        )
        return self._store_thread(guild, thread, None)  # type: ignore[arg-type]

    def _store_thread(
        self, guild: Guild, thread: Channel, message: dict[str, Any] | None
    ) -> web.Response:
        guild.channels[thread.id] = thread
        self.state.channels[thread.id] = thread
        self.state.messages[thread.id] = []
        data = thread.payload()
        if message is not None:
            message["thread"] = data
        self.dispatch("THREAD_CREATE", {**data, "newly_created": True})
        return json_response(data)

    # --- guilds, roles, members ---

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        data = guild.payload()
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            data.pop(key)
        data["approximate_member_count"] = len(guild.members)
        return json_response(data)

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response([c.payload() for c in guild.channels.values() if not c.is_thread])

    async def _create_channel(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        self._require(guild, Perm.MANAGE_CHANNELS)
        body = request[RECORD].json or {}
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise invalid("channel name: 1..100 chars")
        kind = int(body.get("type") or 0)
        parent = int(body["parent_id"]) if body.get("parent_id") else None
        channel = self.state.add_channel(
            guild, name, type=kind, parent_id=parent, topic=body.get("topic")
        )
        # Discord answers with ids and bitfields as strings, whatever the request used.
        channel.permission_overwrites = [
            {
                "id": str(o["id"]),
                "type": int(o.get("type", 0)),
                "allow": str(o.get("allow", 0)),
                "deny": str(o.get("deny", 0)),
            }
            for o in body.get("permission_overwrites") or []
        ]
        data = channel.payload()
        self.dispatch("CHANNEL_CREATE", data)
        return json_response(data)

    async def _get_roles(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response([r.payload() for r in guild.roles.values()])

    async def _create_role(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        self._require(guild, Perm.MANAGE_ROLES)
        body = request[RECORD].json or {}
        perms = int(body.get("permissions") or 0)
        bot_perms = guild.member_permissions(self.bot_user.id)
        if perms & ~bot_perms:
            raise DiscordError(403, 50013, "Missing Permissions")
        role = self.state.add_role(
            guild,
            body.get("name") or "new role",
            permissions=perms,
            color=int(body.get("color") or 0),
            hoist=bool(body.get("hoist")),
            mentionable=bool(body.get("mentionable")),
        )
        self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()})
        return json_response(role.payload())

    async def _list_members(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if not self.intents & INTENT_GUILD_MEMBERS:
            raise DiscordError(403, 50001, "Missing Access")
        after = int(request.query.get("after", 0))
        limit = int(request.query.get("limit", 1))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return json_response([m.payload() for m in members[:limit]])

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        member = guild.members.get(int(request.match_info["user_id"]))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return json_response(member.payload())

    def _role_target(self, request: web.Request) -> tuple[Guild, Member, Role]:
        guild = self._guild(request)
        member = guild.members.get(int(request.match_info["user_id"]))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        role = guild.roles.get(int(request.match_info["role_id"]))
        if role is None or role.id == guild.id:
            raise DiscordError(404, 10011, "Unknown Role")
        self._require(guild, Perm.MANAGE_ROLES)
        # Discord's hierarchy: a bot can only manage roles below its own highest role.
        if role.managed or role.position >= guild.top_role_position(self.bot_user.id):
            raise DiscordError(403, 50013, "Missing Permissions")
        return guild, member, role

    async def _add_role(self, request: web.Request) -> web.Response:
        guild, member, role = self._role_target(request)
        if role.id not in member.roles:
            member.roles.append(role.id)
            self._member_updated(guild, member)
        return no_content()

    async def _remove_role(self, request: web.Request) -> web.Response:
        guild, member, role = self._role_target(request)
        if role.id in member.roles:
            member.roles.remove(role.id)
            self._member_updated(guild, member)
        return no_content()

    # --- scheduled events ---

    def _event(self, request: web.Request) -> tuple[Guild, dict[str, Any]]:
        guild = self._guild(request)
        event = guild.scheduled_events.get(int(request.match_info["event_id"]))
        if event is None:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        return guild, event

    def _dispatch_event(self, name: str, event: dict[str, Any]) -> None:
        if self.intents & INTENT_SCHEDULED_EVENTS:
            self.dispatch(name, event)

    async def _list_events(self, request: web.Request) -> web.Response:
        return json_response(list(self._guild(request).scheduled_events.values()))

    async def _get_event(self, request: web.Request) -> web.Response:
        return json_response(self._event(request)[1])

    async def _create_event(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        self._require(guild, Perm.MANAGE_EVENTS)
        body = request[RECORD].json or {}
        event = {
            "id": str(snowflake()),
            "guild_id": str(guild.id),
            "channel_id": body.get("channel_id"),
            "creator_id": str(self.bot_user.id),
            "creator": self.bot_user.payload(),
            "name": body.get("name"),
            "description": body.get("description"),
            "scheduled_start_time": body.get("scheduled_start_time"),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body.get("entity_type"),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": body.get("recurrence_rule"),
        }
        _validate_event(event)
        _not_in_past(event["scheduled_start_time"])
        guild.scheduled_events[int(event["id"])] = event
        self._dispatch_event("GUILD_SCHEDULED_EVENT_CREATE", event)
        return json_response(event)

    async def _edit_event(self, request: web.Request) -> web.Response:
        guild, event = self._event(request)
        self._require(guild, Perm.MANAGE_EVENTS)
        body = request[RECORD].json or {}
        updated = {**event, **{k: v for k, v in body.items() if k in event}}
        _validate_event(updated)
        if updated["scheduled_start_time"] != event["scheduled_start_time"]:
            _not_in_past(updated["scheduled_start_time"])
        event.update(updated)
        self._dispatch_event("GUILD_SCHEDULED_EVENT_UPDATE", event)
        return json_response(event)

    async def _delete_event(self, request: web.Request) -> web.Response:
        guild, event = self._event(request)
        self._require(guild, Perm.MANAGE_EVENTS)
        del guild.scheduled_events[int(event["id"])]
        self._dispatch_event("GUILD_SCHEDULED_EVENT_DELETE", event)
        return no_content()


def _snowflake_params(path: str) -> str:
    """Ids match digits only (``@original`` too for webhook messages), so that e.g.
    ``/messages/pins`` is an unknown route rather than message id "pins"."""
    import re

    path = path.replace("/messages/{message_id}", "/messages/{message_id:(?:\\d+|@original)}")
    return re.sub(r"\{(\w+_id)\}", r"{\1:\\d+}", path)


def _validate_command(command: dict[str, Any]) -> None:
    """The checks Discord makes on a command sync (the ones a bot can realistically trip)."""
    import re

    name = command.get("name") or ""
    kind = command.get("type", 1)
    if kind == 1 and (not re.fullmatch(r"[-_\w]{1,32}", name) or name != name.lower()):
        raise invalid(f"command name {name!r}: 1..32 lowercase chars")
    if kind == 1 and not 1 <= len(command.get("description") or "") <= 100:
        raise invalid(f"/{name}: description must be 1..100 chars")

    def check_options(options: list[dict[str, Any]], where: str) -> None:
        if len(options) > 25:
            raise invalid(f"{where}: more than 25 options")
        seen_optional = False
        for option in options:
            label = f"{where} {option.get('name')}"
            if not 1 <= len(option.get("description") or "") <= 100:
                raise invalid(f"{label}: description must be 1..100 chars")
            if option["type"] in (1, 2):
                check_options(option.get("options") or [], label)
                continue
            if option.get("required"):
                if seen_optional:
                    raise invalid(f"{label}: required options must come before optional ones")
            else:
                seen_optional = True
            if len(option.get("choices") or []) > 25:
                raise invalid(f"{label}: more than 25 choices")
            if option.get("choices") and option.get("autocomplete"):
                raise invalid(f"{label}: choices and autocomplete are exclusive")

    check_options(command.get("options") or [], f"/{name}")


def _validate_event(event: dict[str, Any]) -> None:
    if not event.get("name") or not event.get("scheduled_start_time"):
        raise invalid("scheduled event needs name and scheduled_start_time")
    if event.get("entity_type") == 3:  # external
        if not (event.get("entity_metadata") or {}).get("location") or not event.get(
            "scheduled_end_time"
        ):
            raise invalid("external events need entity_metadata.location and scheduled_end_time")
    elif not event.get("channel_id"):
        raise invalid("stage/voice events need channel_id")
    end = event.get("scheduled_end_time")
    if end and _parse_time(end) <= _parse_time(event["scheduled_start_time"]):
        raise invalid("scheduled_end_time must be after scheduled_start_time")


def _parse_time(text: str) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).timestamp()
    except (TypeError, ValueError):
        raise invalid(f"not an ISO8601 timestamp: {text!r}") from None


def _not_in_past(start: str) -> None:
    """Discord refuses to schedule (or move) an event to a start time that has passed."""
    if _parse_time(start) < time.time():
        raise invalid("Cannot schedule event in the past.")
