"""The web server over HTTP, on both engines: pages and feeds of published data, feeds parsed
back by the calendar library with stable UIDs, the ETag and Last-Modified round trip, the
security headers, the rate limit, and the same 404 for every wrong address."""

from __future__ import annotations

import asyncio
import re

from icalendar import Calendar

from bot.config import WebSettings
from bot.event import Actor
from bot.event.calendar import session_uid
from bot.web.server import WebServer
from tests.bot.conftest import ADMIN, GUILD, OTHER_GUILD
from tests.bot.web.conftest import ALICE, FAST, HOSTILE


async def get(http, url, **headers):
    async with http.get(url, headers=headers) as r:
        return r.status, r.headers, await r.read()


def events_of(body: bytes) -> dict[str, object]:
    return {str(ev["UID"]): ev for ev in Calendar.from_ical(body).walk("VEVENT")}


async def test_the_public_page_shows_every_placed_session_safely(published, server, http):
    status, headers, body = await get(http, server.event_url(published.key))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode()
    for i in range(7):
        assert f"Talk {i}" in html
    assert HOSTILE not in html and "<img" not in html
    assert html.count("&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;") == 2
    assert "https://discord.com/channels/1001/502" in html
    assert "expected" in html and "Person " in html
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "<script>" not in html.replace('<script src="/static/timetable.js" defer></script>', "")


async def test_static_files_are_served_by_the_bot(server, http):
    for name, kind in (("timetable.js", "javascript"), ("timetable.css", "text/css")):
        status, headers, body = await get(http, f"{server.base_url}/static/{name}")
        assert status == 200 and kind in headers["Content-Type"] and body
    status, _, _ = await get(http, f"{server.base_url}/static/")
    assert status == 404  # no listing


async def test_feeds_parse_back_and_keep_their_uids_across_a_republish(published, server,
                                                                       http):
    svc = published.service
    url = f"{server.event_url(published.key)}/calendar.ics"
    status, headers, body = await get(http, url)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    first = events_of(body)
    assert set(first) == {session_uid(GUILD, s) for s in published.sessions.values()}
    assert str(first[session_uid(GUILD, published.sessions["t0"])]["URL"]) \
        == "https://discord.com/channels/1001/502"
    assert Calendar.from_ical(body)["REFRESH-INTERVAL"]

    await svc.withdraw_session(GUILD, Actor(101, "Person 1"), published.sessions["t1"])
    v2 = await svc.run_schedule(GUILD, ADMIN, seed=5, **FAST)
    await svc.publish(GUILD, ADMIN, v2.id)
    second = events_of((await get(http, url))[2])
    assert set(second) == set(first)  # the withdrawn one stays, cancelled
    gone = second[session_uid(GUILD, published.sessions["t1"])]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert all(str(ev["STATUS"]) == "CONFIRMED" for ev in second.values() if ev is not gone)
    assert all(ev["SEQUENCE"] == v2.id for ev in second.values())

    mine = events_of((await get(http, f"{server.personal_url(published.key, published.token)}"
                                      "/calendar.ics"))[2])
    assert mine and set(mine) <= set(first)
    itinerary = await svc.itinerary(GUILD, ALICE)
    assert {session_uid(GUILD, i.expected.session_id) for i in itinerary if i.expected} \
        <= set(mine)


async def test_etag_and_last_modified_round_trip(published, server, http):
    for url in (server.event_url(published.key),
                f"{server.event_url(published.key)}/calendar.ics",
                f"{server.personal_url(published.key, published.token)}/calendar.ics"):
        status, headers, body = await get(http, url)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert status == 200 and etag.startswith('"')
        status, again, rest = await get(http, url, **{"If-None-Match": etag})
        assert status == 304 and rest == b"" and again["ETag"] == etag
        assert (await get(http, url, **{"If-Modified-Since": modified}))[0] == 304
        assert (await get(http, url, **{"If-None-Match": '"other"'}))[0] == 200
        # If-None-Match wins over If-Modified-Since
        assert (await get(http, url, **{"If-None-Match": '"other"',
                                        "If-Modified-Since": modified}))[0] == 200
    url = server.event_url(published.key)
    etag = (await get(http, url))[1]["ETag"]
    await published.service.edit_session(GUILD, ADMIN, published.sessions["t2"],
                                         title="Talk two, renamed")
    status, headers, body = await get(http, url, **{"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag and b"Talk two, renamed" in body


async def test_wrong_revoked_and_foreign_tokens_get_the_same_404(published, server, http):
    svc = published.service
    other_admin = Actor(1, "Other admin", is_admin=True)
    await svc.setup_event(OTHER_GUILD, other_admin, name="Other camp")
    await svc.update_settings(OTHER_GUILD, other_admin, schedule_visible=True)
    foreign = (await svc.web_link(OTHER_GUILD, ALICE)).token
    old = published.token
    await svc.web_link(GUILD, ALICE, renew=True)  # revokes `old`
    base = server.base_url
    wrong = [f"{base}/e/{published.key}/p/{old}", f"{base}/e/{published.key}/p/{old}/calendar.ics",
             f"{base}/e/{published.key}/p/{foreign}", f"{base}/e/{published.key}/p/{'A' * 43}",
             f"{base}/e/{'A' * 22}", f"{base}/e/{published.key}/track/Nothing.ics", f"{base}/",
             f"{base}/e/", f"{base}/e/{published.key}/p/", f"{base}/e/{published.key}/../..",
             f"{base}/e/{published.key}/p/{old}%00"]
    bodies = set()
    for url in wrong:
        status, headers, body = await get(http, url)
        assert status == 404, url
        assert headers["Content-Security-Policy"] and headers["Cache-Control"] == "no-store"
        bodies.add(body)
    assert len(bodies) == 1
    page = bodies.pop().decode()
    assert "Other camp" not in page and "Test camp" not in page and "Alice" not in page


async def test_nothing_is_served_before_the_schedule_is_shown(published, server, http):
    await published.service.update_settings(GUILD, ADMIN, schedule_visible=False)
    assert (await get(http, server.event_url(published.key)))[0] == 404


async def test_each_client_is_rate_limited(published):
    srv = WebServer(published.service, WebSettings(port=0, requests_per_minute=8,
                                                   behind_proxy=True), cache_seconds=60)
    await srv.start()
    try:
        import aiohttp
        async with aiohttp.ClientSession() as http:
            url = srv.event_url(published.key)
            codes = [(await get(http, url, **{"X-Forwarded-For": "203.0.113.9"}))[0]
                     for _ in range(4)]
            assert codes == [200, 200, 429, 429]  # a burst of a quarter of a minute's worth
            status, headers, _ = await get(http, url, **{"X-Forwarded-For": "203.0.113.9"})
            assert status == 429 and int(headers["Retry-After"]) >= 1
            assert (await get(http, url, **{"X-Forwarded-For": "198.51.100.7"}))[0] == 200
    finally:
        await srv.stop()


async def test_a_polling_storm_reads_the_database_once_per_window(published, monkeypatch):
    srv = WebServer(published.service, WebSettings(port=0, requests_per_minute=100_000),
                    cache_seconds=3600)
    reads = []
    real = published.service.web_timetable

    async def counted(key, token=None):
        reads.append(key)
        return await real(key, token)
    monkeypatch.setattr(published.service, "web_timetable", counted)
    await srv.start()
    try:
        import aiohttp
        async with aiohttp.ClientSession() as http:
            url = f"{srv.event_url(published.key)}/calendar.ics"
            results = await asyncio.gather(*(get(http, url) for _ in range(50)))
        assert {r[0] for r in results} == {200} and len({r[2] for r in results}) == 1
        assert len(reads) == 1
    finally:
        await srv.stop()


async def test_head_and_other_methods_carry_the_same_headers(published, server, http):
    url = server.event_url(published.key)
    async with http.head(url) as r:
        assert r.status == 200 and r.headers["ETag"] and await r.read() == b""
        assert r.headers["Content-Security-Policy"]
    async with http.post(url, data=b"x") as r:
        assert r.status == 405 and r.headers["Content-Security-Policy"]
    async with http.get(f"{server.base_url}/robots.txt") as r:
        assert (await r.text()).endswith("Disallow: /\n")


async def test_a_track_set_by_the_organisers_has_its_filter_and_feed(published, server, http):
    svc = published.service
    await svc.set_track(GUILD, ADMIN, published.sessions["t2"], "Kernel")
    await svc.set_track(GUILD, ADMIN, published.sessions["t3"], "Kernel")
    snap = await svc.web_timetable(published.key)
    assert snap.tracks == {published.sessions["t2"]: "Kernel", published.sessions["t3"]: "Kernel"}
    status, _, body = await get(http, f"{server.event_url(published.key)}/track/Kernel.ics")
    assert status == 200
    assert sorted(str(ev["SUMMARY"]) for ev in events_of(body).values()) == ["Talk 2", "Talk 3"]


async def test_an_event_is_served_in_its_servers_language(published):
    """The pages and feeds speak the event's language (its server's, which the bot asks of
    Discord); an address that is no event's answers in the reader's browser language."""
    from bot.i18n import language
    asked = []

    def language_of(guild_id: int):
        asked.append(guild_id)
        return language("de")
    srv = WebServer(published.service, WebSettings(port=0, requests_per_minute=100_000),
                    cache_seconds=0, language_of=language_of)
    await srv.start()
    try:
        import aiohttp
        async with aiohttp.ClientSession() as http:
            status, _, body = await get(http, srv.event_url(published.key))
            page = body.decode()
            assert status == 200 and '<html lang="de">' in page
            assert "Alle Tage" in page and "In deiner Kalender-App abonnieren" in page
            assert "6. Juli 2026</span>" in page, re.findall(r"<h2.*?</h2>", page)
            assert asked and set(asked) == {GUILD}
            _, _, feed = await get(http, f"{srv.event_url(published.key)}/calendar.ics")
            assert "Erwartete Teilnahme: " in Calendar.from_ical(feed).walk("VEVENT")[0][
                "DESCRIPTION"]
            status, _, body = await get(http, srv.event_url("x" * 22),
                                        **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
            assert status == 404 and "Nicht gefunden" in body.decode()
            status, _, body = await get(http, srv.event_url("x" * 22))
            assert status == 404 and "Not found" in body.decode()
    finally:
        await srv.stop()
