"""The web server inside the bot's process (aiohttp.web, which discord.py already brings).

It runs on a thread of its own with its own event loop, so parsing, rendering and answering
requests never queue in front of the bot's interactions: only the snapshot reads go to the bot's
loop (through the async storage, at most a few at a time, and at most one per `cache_seconds`
for a public page or feed, however many clients ask: requests arriving during a read wait for
that read). HTML and iCalendar are rendered once per snapshot. Responses carry a strong ETag
(a hash of the body) and the Last-Modified of when that body was first served, so polling
calendar apps get 304s. Every response has the security headers (a CSP without inline
script), and every failure the same 404 page.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from bot.config import WebSettings
from bot.event import EventService, NotFound
from bot.event.models import WebTimetable
from bot.i18n import ENGLISH, Language, language
from bot.web import pages
from bot.web.ratelimit import RateLimit, retry_after

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
READS_AT_ONCE = 4
REMEMBERED = 2048  # snapshots, renders and Last-Modified dates kept per kind
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a private page's address never leaves in a Referer
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    "X-Robots-Tag": "noindex",
}
ROBOTS = "User-agent: *\nDisallow: /\n"


class _Lru(OrderedDict):
    def remember(self, key: object, value: object) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > REMEMBERED:
            self.popitem(last=False)


def _reader(request: web.Request) -> Language:
    """The reader's language for what belongs to no event (a wrong address, too many
    requests): the first of their browser's languages."""
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
    return language(first[:35] or None)


class WebServer:
    """Start with `start()`, stop with `stop()`; `base_url` is where its links point."""

    def __init__(self, service: EventService, settings: WebSettings, *,
                 cache_seconds: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 language_of: Callable[[int], Language] = lambda guild_id: ENGLISH):
        """`language_of(guild_id)`: the language of an event's pages and feeds (its server's,
        which only Discord knows)."""
        self.service = service
        self.language_of = language_of
        self.settings = settings
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._limit = RateLimit(settings.requests_per_minute, clock=clock)
        self._reads = asyncio.Semaphore(READS_AT_ONCE)
        self._snapshots: _Lru = _Lru()  # (key, token) → (read at, task)
        self._rendered: _Lru = _Lru()   # (path, variant, base) → (snapshot, its rendering)
        self._first_served: _Lru = _Lru()  # (path, variant) → (etag, when first served)
        self._runner: web.AppRunner | None = None
        self._port = settings.port
        self._bot_loop: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the web thread's
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        app = web.Application(middlewares=[self._guard], client_max_size=4096)
        app.router.add_get("/e/{key}", self._event_page)
        app.router.add_get("/e/{key}/calendar.ics", self._event_feed)
        app.router.add_get("/e/{key}/track/{track}.ics", self._track_feed)
        app.router.add_get("/e/{key}/p/{token}", self._personal_page)
        app.router.add_get("/e/{key}/p/{token}/calendar.ics", self._personal_feed)
        app.router.add_get("/robots.txt", self._robots)
        app.router.add_static("/static", STATIC, show_index=False, follow_symlinks=False)
        self.app = app

    # -------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start serving on a thread of its own with its own event loop; returns once it
        listens (or raises what stopped it, e.g. an OSError for a port taken)."""
        self._bot_loop = asyncio.get_running_loop()
        listening: concurrent.futures.Future[int] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._serve, args=(listening,),
                                        name="web-pages", daemon=True)
        self._thread.start()
        self._port = await asyncio.wrap_future(listening)
        log.info("web pages on %s (listening on %s:%s)", self.base_url, self.settings.host,
                 self._port)

    def _serve(self, listening: concurrent.futures.Future[int]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop

        async def serve() -> None:
            runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
            await runner.setup()
            try:
                site = web.TCPSite(runner, self.settings.host, self.settings.port)
                await site.start()
                self._runner, self._stopping = runner, asyncio.Event()
                listening.set_result(runner.addresses[0][1])
                await self._stopping.wait()
            finally:
                await runner.cleanup()
                self._runner = None
        try:
            loop.run_until_complete(serve())
        except BaseException as e:
            if not listening.done():
                listening.set_exception(e)
            else:
                log.exception("the web pages stopped")
        finally:
            loop.close()

    async def stop(self) -> None:
        if self._thread is not None:
            if self._loop is not None and self._stopping is not None:
                self._loop.call_soon_threadsafe(self._stopping.set)
            await asyncio.to_thread(self._thread.join)
            self._thread = None

    @property
    def base_url(self) -> str:
        if self.settings.base_url:
            return self.settings.base_url
        host = self.settings.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self._port}"

    def event_url(self, key: str) -> str:
        return f"{self.base_url}/e/{key}"

    def personal_url(self, key: str, token: str) -> str:
        return f"{self.base_url}/e/{key}/p/{token}"

    # ------------------------------------------------------------------------- middleware

    def _client(self, request: web.Request) -> str:
        if self.settings.behind_proxy:
            forwarded = request.headers.getall("X-Forwarded-For", [])
            if forwarded:
                return forwarded[-1].split(",")[-1].strip()
        return request.remote or "?"

    @web.middleware
    async def _guard(self, request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                     ) -> web.StreamResponse:
        wait = self._limit.take(self._client(request))
        if wait:
            response: web.StreamResponse = web.Response(
                status=429, text=_reader(request).gettext(
                    "Too many requests: try again in a little while.") + "\n",
                headers={"Retry-After": retry_after(wait)})
        else:
            try:
                response = await handler(request)
            except (web.HTTPNotFound, web.HTTPForbidden, NotFound):  # Forbidden: a folder
                response = web.Response(status=404,
                                        text=pages.not_found_page(_reader(request)),
                                        content_type="text/html", charset="utf-8",
                                        headers={"Cache-Control": "no-store"})
            except web.HTTPException as e:  # 405 and the like: aiohttp's own answer
                e.headers.update(self._headers())
                raise
        response.headers.update(self._headers())
        return response

    def _headers(self) -> dict[str, str]:
        headers = dict(SECURITY_HEADERS)
        if self.base_url.startswith("https://"):
            headers["Strict-Transport-Security"] = "max-age=31536000"
        return headers

    # --------------------------------------------------------------------------- handlers

    async def _event_page(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        snap = await self._snapshot(key, None)
        filters = pages.Filters.of(dict(request.query), snap.timetable, snap.tracks)
        body = self._render(request, snap, lambda: pages.event_page(
            snap, self._base(request), key, filters, self._language(snap)).encode(), filters)
        return self._respond(request, body, "text/html", private=False, variant=filters)

    async def _event_feed(self, request: web.Request) -> web.StreamResponse:
        snap = await self._snapshot(request.match_info["key"], None)
        body = self._render(request, snap, lambda: pages.event_feed(
            snap, language=self._language(snap)))
        return self._respond(request, body, "text/calendar", private=False)

    async def _track_feed(self, request: web.Request) -> web.StreamResponse:
        snap = await self._snapshot(request.match_info["key"], None)
        track = request.match_info["track"]
        if track not in set(snap.tracks.values()):
            raise web.HTTPNotFound()
        body = self._render(request, snap, lambda: pages.event_feed(
            snap, track, self._language(snap)))
        return self._respond(request, body, "text/calendar", private=False)

    async def _personal_page(self, request: web.Request) -> web.StreamResponse:
        key, token = request.match_info["key"], request.match_info["token"]
        snap = await self._snapshot(key, token)
        body = self._render(request, snap, lambda: pages.personal_page(
            snap, self._base(request), key, token, self._language(snap)).encode())
        return self._respond(request, body, "text/html", private=True)

    async def _personal_feed(self, request: web.Request) -> web.StreamResponse:
        snap = await self._snapshot(request.match_info["key"], request.match_info["token"])
        body = self._render(request, snap, lambda: pages.personal_feed(
            snap, self._language(snap)))
        return self._respond(request, body, "text/calendar", private=True)

    async def _robots(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text=ROBOTS)

    # ---------------------------------------------------------------------------- helpers

    def _language(self, snap: WebTimetable) -> Language:
        try:
            return self.language_of(snap.guild_id)
        except Exception:  # a page in English rather than none
            log.exception("no language for the pages of guild %s", snap.guild_id)
            return ENGLISH

    def _base(self, request: web.Request) -> str:
        """Absolute links (the calendar apps' webcal: ones) start here: the configured base
        URL, else the address the reader used."""
        return self.settings.base_url or str(request.url.origin())

    async def _snapshot(self, key: str, token: str | None) -> WebTimetable:
        """The event's snapshot, read at most once per `cache_seconds` (a re-publish shows
        after that); readers arriving while it is read wait for the same read. A personal
        snapshot is only shared while it is read, so a revoked link stops at once."""
        now = self._clock()
        hit = self._snapshots.get((key, token))
        window = self.cache_seconds if token is None else 0.0
        if hit is None or (hit[1].done() and now - hit[0] >= window):
            task = asyncio.ensure_future(self._read(key, token))
            hit = (now, task)
            self._snapshots.remember((key, token), hit)
        return await asyncio.shield(hit[1])

    async def _read(self, key: str, token: str | None) -> WebTimetable:
        """The rules' read, run on the bot's loop (where the database lives)."""
        async def read() -> WebTimetable:
            async with self._reads:
                return await self.service.web_timetable(key, token)
        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(read(), self._bot_loop))

    def _render(self, request: web.Request, snap: WebTimetable,
                render: Callable[[], bytes], variant: object = None) -> bytes:
        """The body for this address, rendered once per snapshot. `variant`: what of the
        query changes the body (the page's checked filters); any other query is the same
        body, so made-up queries cannot make the bot render more."""
        url = (request.path, variant, self._base(request))
        done = self._rendered.get(url)
        if done is None or done[0] is not snap:
            done = (snap, render())
            self._rendered.remember(url, done)
        return done[1]

    def _respond(self, request: web.Request, body: bytes, content_type: str, *,
                 private: bool, variant: object = None) -> web.StreamResponse:
        """200 with the body, or 304 when the client's copy is current (If-None-Match first;
        If-Modified-Since only without it, as RFC 9110 says)."""
        etag = hashlib.sha256(body).hexdigest()[:32]
        seen = self._first_served.get((request.path, variant))
        if seen is None or seen[0] != etag:
            seen = (etag, datetime.fromtimestamp(int(time.time()), UTC))
            self._first_served.remember((request.path, variant), seen)
        headers = {"Cache-Control": ("private" if private else "public") + ", no-cache"}
        if request.if_none_match is not None:
            fresh = any(tag.value in (etag, "*") for tag in request.if_none_match)
        else:
            since = request.if_modified_since
            fresh = since is not None and seen[1] <= since
        if fresh:
            response = web.Response(status=304, headers=headers)
        else:
            response = web.Response(body=body, content_type=content_type, charset="utf-8",
                                    headers=headers)
        response.etag = etag
        response.last_modified = seen[1]
        return response
