"""The pages in a real headless Chromium (Debian's `chromium`, driven by Playwright): every
placed session shown, the time-zone switch, the filters, the "now" line, a re-publish shown
without a restart, nothing overflowing at phone width, axe-core finding no violation, and a
hostile title staying text."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime

import pytest

from bot.config import WebSettings
from bot.web.server import WebServer
from tests.bot.conftest import ADMIN, GUILD
from tests.bot.web.conftest import FAST, HOSTILE, LONG, PEOPLE, publish_event

playwright = pytest.importorskip("playwright.async_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = "Debian's chromium is not installed (.ci/run installs it)"
# As root Chromium needs --no-sandbox; the machine has no network to offer it.
ARGS = ["--no-sandbox", "--disable-background-networking"]
PHONE = {"width": 360, "height": 740}
# No element wider than the box it is drawn in (text that runs off the screen).
OVERFLOWING = """() => [...document.body.querySelectorAll('*')].filter(el => {
    const cs = getComputedStyle(el);
    return cs.display !== 'inline' && cs.display !== 'none' && el.clientWidth > 0
        && el.scrollWidth > el.clientWidth + 1;
}).map(el => el.tagName + '.' + el.className + ': ' + el.textContent.slice(0, 40))"""


@pytest.fixture
def database(tmp_path) -> str:
    """The browser checks the pages, not the engines: SQLite only."""
    return str(tmp_path / "event.sqlite")


@pytest.fixture
async def site(event):
    published = await publish_event(event)
    srv = WebServer(event, WebSettings(port=0, requests_per_minute=100_000), cache_seconds=0)
    await srv.start()
    yield published, srv
    await srv.stop()


@pytest.fixture
async def browser():
    if CHROMIUM is None:  # skipped where it is missing, except under CI, where it fails
        if os.environ.get("CI"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    async with playwright.async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        await b.close()


async def new_page(browser, **options):
    context = await browser.new_context(locale="en-GB", **options)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
    return page, errors


async def test_every_session_shown_with_the_readers_zone_and_a_switch(site, browser):
    published, srv = site
    page, errors = await new_page(browser, timezone_id="America/New_York")
    await page.goto(srv.event_url(published.key))
    titles = await page.locator("article.session h4").all_inner_texts()
    assert len(titles) == len(published.sessions)
    assert {t.strip() for t in titles} >= {f"Talk {i}" for i in range(7)} | {HOSTILE, LONG}
    first = page.locator("h3.time time").first
    # Monday 09:30 in Brussels (CEST) is 03:30 in New York (EDT)
    assert await first.inner_text() == "03:30"
    assert await page.locator("#reader-zone").inner_text() == "America/New_York"
    assert await page.locator("#zone-note").is_hidden()  # the switch says it
    assert await page.get_by_label("your time zone").is_checked()
    await page.get_by_label("the event's time zone").check()
    assert await first.inner_text() == "09:30"
    await page.reload()  # the choice is remembered
    assert await page.locator("h3.time time").first.inner_text() == "09:30"
    assert errors == []
    assert await page.title() != "pwned"


async def test_filters_by_day_and_room(site, browser):
    published, srv = site
    page, errors = await new_page(browser)
    await page.goto(srv.event_url(published.key))
    all_rooms = set(await page.locator("article.session .room").all_inner_texts())
    assert len(all_rooms) > 1
    async with page.expect_navigation():
        await page.locator("select[name=room]").select_option(label="Main hall")
    assert set(await page.locator("article.session .room").all_inner_texts()) == {"Main hall"}
    async with page.expect_navigation():
        await page.locator("select[name=day]").select_option(label="Tuesday")
    assert await page.locator("section.day h2").all_inner_texts() == ["Tuesday 07 July 2026"]
    assert set(await page.locator("article.session .room").all_inner_texts()) <= {"Main hall"}
    await page.get_by_role("link", name="Show everything").click()
    assert await page.locator("section.day").count() == 2
    assert errors == []


async def test_the_now_line_during_the_event(site, browser):
    published, srv = site
    page, errors = await new_page(browser, timezone_id="Europe/Brussels")
    await page.clock.install(time=datetime(2026, 7, 6, 9, 0, tzinfo=UTC))  # 11:00 Brussels
    await page.goto(srv.event_url(published.key))
    assert await page.locator("li.now").count() == 1  # Monday only
    assert await page.locator("li.now").inner_text() == "Now 11:00"
    current = page.locator("li.slot.current")
    assert await current.count() == 1 and await current.get_attribute("aria-current") == "time"
    assert await current.locator("h3.time time").first.inner_text() == "10:30"
    assert errors == []


async def test_a_republish_shows_without_a_restart(site, browser):
    published, srv = site
    svc = published.service
    page, _ = await new_page(browser)
    await page.goto(srv.event_url(published.key))
    assert await page.get_by_text("Late addition").count() == 0
    await svc.propose(GUILD, PEOPLE[2], "Late addition", "x")
    v2 = await svc.run_schedule(GUILD, ADMIN, seed=9, **FAST)
    await svc.publish(GUILD, ADMIN, v2.id)
    await page.reload()
    assert await page.get_by_text("Late addition").count() == 1
    assert f"Version {v2.id} " in await page.locator(".published").inner_text()


async def test_phone_width_nothing_overflows_and_axe_finds_nothing(site, browser, tmp_path):
    from axe_playwright_python.async_playwright import Axe

    published, srv = site
    for url in (srv.event_url(published.key), srv.personal_url(published.key, published.token),
                f"{srv.base_url}/e/{'A' * 22}"):
        page, errors = await new_page(browser, viewport=PHONE, device_scale_factor=2,
                                      is_mobile=True, has_touch=True)
        await page.goto(url)
        await page.screenshot(path=tmp_path / "phone.png", full_page=True)
        assert await page.evaluate(OVERFLOWING) == [], url
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        results = await Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        assert errors == [] or url.endswith("A" * 22)  # the 404 is logged by the console


async def test_keyboard_reaches_the_switch_and_the_filters(site, browser):
    published, srv = site
    page, _ = await new_page(browser)
    await page.goto(srv.event_url(published.key))
    reached = []
    for _ in range(12):
        await page.keyboard.press("Tab")
        reached.append(await page.evaluate(
            "document.activeElement.name || document.activeElement.textContent.trim()"))
    assert reached[0] == "Skip to the timetable"
    assert {"day", "room", "zone"} <= set(reached)


async def test_the_personal_page_shows_the_itinerary(site, browser):
    published, srv = site
    page, errors = await new_page(browser)
    await page.goto(srv.personal_url(published.key, published.token))
    mine = await published.service.itinerary(GUILD, PEOPLE[0])
    expected = [i.expected.title for i in mine if i.expected]
    shown = await page.locator("article.session h4").all_inner_texts()
    assert [t.strip() for t in shown] == expected
    assert await page.get_by_role("link", name="Subscribe in your calendar app") \
        .get_attribute("href") == f"webcal{srv.base_url[4:]}/e/{published.key}/p/" \
        f"{published.token}/calendar.ics"
    assert errors == []
