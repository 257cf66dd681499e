"""Interest buttons: one registered `DynamicItem` answers every press by its custom_id (nothing
kept per posted message), once: an ephemeral message that names the session and pings nobody,
sent only after the level is committed; a refused press is still answered exactly once."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import discord

from bot.discord.interest import InterestButton, interest_view
from tests.e2e.bot_harness import (
    actor,
    answer,
    make_bot,
    my_level,
    session_id,
    wait_for_post,
)
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_bot_event import NONE, setup_event, verify


def _callback_requests(fake: FakeDiscord, interaction_id: int):
    return [r for r in fake.requests
            if r.method == "POST" and r.path.startswith(f"/interactions/{interaction_id}/")]


async def _posted_session(fake: FakeDiscord, title: str) -> int:
    cb = await answer(fake, "propose", {"title": title, "description": "d"}, user=fake.owner)
    sid = session_id(cb.content)
    await wait_for_post(fake, sid)
    return sid


async def test_a_press_is_answered_privately_after_the_commit(fake_discord: FakeDiscord,
                                                               tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "b.sqlite"))
    await setup_event(fake)
    sid = await _posted_session(fake, "Live @everyone")
    await verify(fake, fake.member)

    press = await fake.click(f"interest:{sid}:75")
    cb = await fake.wait_for_response(press.id)
    assert cb.type == 4 and cb.ephemeral
    assert cb.content == "Your interest in “Live @everyone” is now **yes**."
    (request,) = _callback_requests(fake, press.id)  # answered once
    assert not press.rejected_callbacks
    assert request.json["data"]["allowed_mentions"] == NONE
    # the reply went out after the level was committed: a fresh read sees it
    assert await my_level(bot, fake, fake.member, sid) == 75

    # a refused press (interest closed) gets one private answer, not two
    await bot.service.update_settings(fake.guild.id, actor(fake.owner, admin=True),
                                      interest_open=False)
    bot.forget_settings(fake.guild.id)
    press = await fake.click(f"interest:{sid}:100")
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and "closed" in cb.content
    assert len(_callback_requests(fake, press.id)) == 1 and not press.rejected_callbacks
    assert await my_level(bot, fake, fake.member, sid) == 75


async def test_an_unverified_press_is_refused_once(fake_discord: FakeDiscord, tmp_path) -> None:
    """The attendee gate (role) runs before the rules, and its refusal is the command's."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "b.sqlite"))
    await setup_event(fake)
    sid = await _posted_session(fake, "Gated")
    press = await fake.click(f"interest:{sid}:100")  # fake.member has not verified
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and "/verify" in cb.content
    assert len(_callback_requests(fake, press.id)) == 1 and not press.rejected_callbacks
    assert await my_level(bot, fake, fake.member, sid) == 0


async def test_a_press_outside_a_server_is_refused_privately(fake_discord: FakeDiscord,
                                                             tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "b.sqlite"))
    dm = await bot.create_dm(discord.Object(id=fake.member.id))
    message = await dm.send("Buttons in a DM", view=interest_view(7))
    press = await fake.click("interest:7:100", message=message.id, user=fake.member.user)
    assert "guild_id" not in press.payload
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and "not in direct messages" in cb.content
    assert len(_callback_requests(fake, press.id)) == 1 and not press.rejected_callbacks


def test_the_buttons_carry_the_custom_id_the_template_matches() -> None:
    view = interest_view(7)
    ids = [c["custom_id"] for row in view.to_components() for c in row["components"]]
    assert ids == ["interest:7:0", "interest:7:25", "interest:7:75", "interest:7:100"]
    template = InterestButton.__discord_ui_compiled_template__
    assert all(template.fullmatch(i) for i in ids)
    for other in ("interest:7:100:1", "interest:x:75", "pages:next", "interest:7:1000"):
        assert template.fullmatch(other) is None


async def test_a_burst_of_presses_is_answered_once_each(fake_discord: FakeDiscord,
                                                         database: str) -> None:
    """On each engine: on PostgreSQL the presses' writes run side by side."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, database))
    await setup_event(fake)
    sid = await _posted_session(fake, "Burst")
    members = [fake.add_member(f"m{i}") for i in range(30)]
    for m in members:
        await verify(fake, m)
    presses = await asyncio.gather(*(fake.click(f"interest:{sid}:100", user=m)
                                     for m in members))
    for p in presses:
        assert (await fake.wait_for_response(p.id)).ephemeral
        assert not p.rejected_callbacks and len(_callback_requests(fake, p.id)) == 1
    for m in members:  # and every level was committed
        assert await my_level(bot, fake, m, sid) == 100


async def test_a_late_reply_keeps_the_level_and_is_logged(fake_discord: FakeDiscord, tmp_path,
                                                          caplog) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "b.sqlite"))
    await setup_event(fake)
    sid = await _posted_session(fake, "Slow")
    await verify(fake, fake.member)
    fake.callback_deadline = 0.0  # every callback now arrives "too late": Discord says 10062
    with caplog.at_level(logging.ERROR):
        press = await fake.click(f"interest:{sid}:25")
        await fake.wait_until(lambda: _callback_requests(fake, press.id), what="a callback")
        assert press.rejected_callbacks == [(4, "10062 too late")]
        await fake.wait_until(lambda: "10062" in caplog.text, what="a logged failure")
    assert len(_callback_requests(fake, press.id)) == 1  # not retried as a refusal
    assert await my_level(bot, fake, fake.member, sid) == 25


async def test_a_press_while_the_database_is_busy_is_deferred_then_answered(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """Another process holds SQLite's write lock for longer than Discord's 3 seconds (a long
    transaction; the bot waits up to its busy timeout): the press is deferred privately
    within the window, and answered once the level is committed."""
    fake = fake_discord
    db = tmp_path / "b.sqlite"
    bot = await fake.connect(await make_bot(fake, db))
    await setup_event(fake)
    sid = await _posted_session(fake, "Busy")
    await verify(fake, fake.member)
    await my_level(bot, fake, fake.member, sid)  # the gate's settings are cached
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the write lock, as a second process would hold it
        press = await fake.click(f"interest:{sid}:100")
        cb = await fake.wait_for_response(press.id)
        assert cb.type == 5 and cb.ephemeral and press.latency < fake.callback_deadline
        await asyncio.sleep(fake.callback_deadline + 0.5 - press.age())
        assert not fake.responses(press.id)  # still waiting for the lock
    finally:
        other.execute("ROLLBACK")
        other.close()
    (answered,) = await fake.wait_until(lambda: fake.responses(press.id), what="the answer")
    assert answered.kind == "followup" and answered.ephemeral
    assert answered.content == "Your interest in “Busy” is now **very**."
    assert not press.rejected_callbacks and len(_callback_requests(fake, press.id)) == 1
    assert await my_level(bot, fake, fake.member, sid) == 100

