"""The web pages from Discord, through the loopback stand-in: the bot starts its web server
with the gateway, /myschedule gives the public page and a private link once, `link: new`
replaces it (the old one answers 404) and `link: off` stops it; with the pages off, the
option says so."""

from __future__ import annotations

import re

import aiohttp

from tests.e2e.bot_harness import answer, make_bot, publish, run_schedule
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.personal_harness import open_event, propose, rate

LINK = re.compile(r"<(http://127\.0\.0\.1:\d+/e/[\w-]+(?:/p/[\w-]+)?)>")


async def status(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as r:
        await r.read()
        return r.status


async def myschedule(fake, user, link: str | None = None) -> str:
    cb = await answer(fake, "myschedule", {"link": link} if link else None, user=user)
    assert cb.ephemeral
    return cb.content


async def test_myschedule_gives_private_links_that_can_be_replaced_and_stopped(
        fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "w.sqlite",
                                            web={"enabled": True, "port": 0}))
    await open_event(fake)
    alice, bob = fake.add_member("alice"), fake.add_member("bob")
    sid = await propose(fake, "Web talk", alice)
    await rate(fake, sid, 100, bob)
    await run_schedule(fake)
    await publish(fake)

    first = await myschedule(fake, bob)
    public, private = LINK.findall(first)[:2]
    assert "/p/" not in public and "/p/" in private and "shown this once" in first
    assert await status(public) == 200 and await status(private) == 200
    assert await status(private + "/calendar.ics") == 200

    again = await myschedule(fake, bob)  # only the hash is kept: not shown again
    assert "/p/" not in again and "cannot be shown again" in again

    renewed = LINK.findall(await myschedule(fake, bob, "new"))[1]
    assert renewed != private
    assert await status(private) == 404 and await status(renewed) == 200

    assert "switched off" in await myschedule(fake, bob, "off")
    assert await status(renewed) == 404
    assert "no private link" in await myschedule(fake, bob, "off")
    assert await status(public) == 200
    await bot.close()
    assert bot.web.server is not None and bot.web.server._runner is None


async def test_without_the_pages_the_option_says_so(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "n.sqlite"))
    await open_event(fake)
    alice = fake.add_member("alice")
    await propose(fake, "Talk", alice)
    await run_schedule(fake)
    await publish(fake)
    assert "http" not in await myschedule(fake, alice)
    assert "serves no web pages" in await myschedule(fake, alice, "new")
    await bot.close()
