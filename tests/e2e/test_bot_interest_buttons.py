"""Interest buttons: presses are routed by custom_id (no view kept per message, no DynamicItem)
and answered once: an ephemeral message that names the session and pings nobody, sent only
after the level is committed; a refused press is still answered exactly once."""

from __future__ import annotations

import pytest

from bot.discord.presses import InterestPress
from bot.discord.views import interest_view
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

pytestmark = pytest.mark.both_loops  # the press path on uvloop and on asyncio's own loop


def _callback_requests(fake: FakeDiscord, interaction_id: int):
    return [r for r in fake.requests
            if r.method == "POST" and r.path.startswith(f"/interactions/{interaction_id}/")]


@pytest.mark.parametrize("raw", [True, False], ids=["raw payload", "through discord.py"])
async def test_a_press_is_answered_privately_after_the_commit(fake_discord: FakeDiscord,
                                                               tmp_path, raw: bool) -> None:
    """Both paths a press can take answer the same: from the raw gateway payload (the bot's
    default), and through discord.py's parsed interaction (if the raw path is unavailable)."""
    fake = fake_discord
    bot = await fake.connect(make_bot(fake, tmp_path / "b.sqlite", raw_presses=raw))
    assert bot.raw_presses is raw
    await setup_event(fake)
    cb = await answer(fake, "propose", {"title": "Live @everyone", "description": "d"},
                      user=fake.owner)
    sid = session_id(cb.content)
    await wait_for_post(fake, sid)
    await verify(fake, fake.member)

    press = await fake.click(f"interest:{sid}:75")
    cb = await fake.wait_for_response(press.id)
    assert cb.type == 4 and cb.ephemeral
    assert cb.content == "Your interest in “Live @everyone” is now **yes**."
    (request,) = _callback_requests(fake, press.id)  # answered once, by one handler
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


def _payload(custom_id: str, *, type: int = 3, component_type: int = 2,
             guild: bool = True) -> dict:
    """A raw INTERACTION_CREATE payload of the shape Discord sends (trimmed)."""
    data = {"id": "11", "token": "tok", "type": type,
            "data": {"custom_id": custom_id, "component_type": component_type}}
    user = {"id": "5", "username": "ada", "global_name": "Ada L."}
    if guild:
        data.update(guild_id="7", member={"user": user, "nick": None, "roles": ["3", "4"],
                                          "permissions": str(1 << 5)})  # Manage Server
    else:
        data["user"] = user
    return data


def test_presses_are_recognised_by_custom_id_in_the_raw_payload() -> None:
    press = InterestPress.from_payload(_payload("interest:42:75"))
    assert press is not None
    assert (press.interaction_id, press.token, press.guild_id) == (11, "tok", 7)
    assert (press.session_id, press.level, press.role_ids) == (42, 75, frozenset({3, 4}))
    assert press.actor.user_id == 5 and press.actor.display_name == "Ada L."
    assert press.actor.is_admin  # Manage Server, from the member's permissions
    for other in (_payload("interest:42:75", type=2), _payload("interest:42:75", guild=False),
                  _payload("interest:42:75", component_type=3), _payload("interest:42:75:1"),
                  _payload("interest:x:75"), _payload("pages:next")):
        assert InterestPress.from_payload(other) is None


async def test_the_posted_view_is_not_kept_by_discord_py() -> None:
    view = interest_view(7)
    assert view.is_finished()  # so `send` does not store it and never dispatches to it
    ids = [c["custom_id"] for row in view.to_components() for c in row["components"]]
    assert ids == ["interest:7:0", "interest:7:25", "interest:7:75", "interest:7:100"]


async def test_the_run_command_bot_freezes_the_heap_once_ready(fake_discord: FakeDiscord,
                                                             tmp_path) -> None:
    import gc

    from bot.config import load_settings
    from bot.discord.client import create_bot

    config = load_settings(None, env={}, token="unused", database=tmp_path / "g.sqlite",
                           guild_ids=[fake_discord.guild.id])
    plain = await fake_discord.connect(make_bot(fake_discord, tmp_path / "p.sqlite"))
    assert not plain.gc_frozen  # tests and other embedders keep the collector as it is
    await fake_discord.disconnect(plain)
    bot = create_bot(config, guild_ready_timeout=0.05, freeze_gc_when_ready=True)
    try:
        await fake_discord.connect(bot)
        await fake_discord.wait_until(lambda: bot.gc_frozen, what="heap frozen")
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


async def test_a_burst_of_presses_shares_a_few_kept_alive_connections(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """Replies take Discord's empty answer (no echoed message to parse) and queue for the
    capped pool instead of opening a connection per press (a TLS handshake each on Discord)."""
    import asyncio

    from bot.discord.callbacks import InteractionCallbacks

    fake = fake_discord
    bot = make_bot(fake, tmp_path / "b.sqlite")
    cap = 8  # a small pool: the bot's own cap would take hundreds of members to reach
    bot.callbacks = InteractionCallbacks(connections=cap)
    bot = await fake.connect(bot)
    await setup_event(fake)
    cb = await answer(fake, "propose", {"title": "Burst", "description": "d"}, user=fake.owner)
    sid = session_id(cb.content)
    await wait_for_post(fake, sid)
    members = [fake.add_member(f"m{i}") for i in range(2 * cap + 10)]
    for m in members:
        await verify(fake, m)
    presses = await asyncio.gather(*(fake.click(f"interest:{sid}:100", user=m)
                                     for m in members))
    for p in presses:
        assert (await fake.wait_for_response(p.id)).ephemeral
        assert not p.rejected_callbacks
    requests = [r for p in presses for r in _callback_requests(fake, p.id)]
    assert len(requests) == len(members)
    assert all("with_response" not in r.query and r.status == 204 for r in requests)
    assert len({r.peer for r in requests}) <= cap
    for m in members:  # and every level was committed
        assert await my_level(bot, fake, m, sid) == 100


async def test_a_late_reply_keeps_the_level_and_is_logged(fake_discord: FakeDiscord, tmp_path,
                                                          caplog) -> None:
    fake = fake_discord
    bot = await fake.connect(make_bot(fake, tmp_path / "b.sqlite"))
    await setup_event(fake)
    cb = await answer(fake, "propose", {"title": "Slow", "description": "d"}, user=fake.owner)
    sid = session_id(cb.content)
    await wait_for_post(fake, sid)
    await verify(fake, fake.member)
    fake.callback_deadline = 0.0  # every callback now arrives "too late": Discord says 10062
    press = await fake.click(f"interest:{sid}:25")
    await fake.wait_until(lambda: _callback_requests(fake, press.id), what="a callback")
    assert press.rejected_callbacks == [(4, "10062 too late")]
    await fake.wait_until(lambda: "could not answer interest press" in caplog.text,
                          what="a logged failure")
    assert "404" in caplog.text
    assert await my_level(bot, fake, fake.member, sid) == 25
