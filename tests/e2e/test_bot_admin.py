"""Organiser flows: moderation (approve/reject with autocomplete), edit/withdraw by the
proposer, slot lock, export as a JSON attachment, backup on the bot's machine."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from bot.discord.errors import GENERIC
from tests.e2e.bot_harness import actor, answer, make_bot, reply_of, session_id, wait_for_post
from tests.e2e.fake_discord import FakeDiscord, InteractionRejected, Perm
from tests.e2e.test_bot_event import assert_no_pings, setup_event, verify


async def test_moderation_edit_withdraw_export_backup(fake_discord: FakeDiscord,
                                                      tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "adm.sqlite",
                                      backup_dir=tmp_path / "backups"))
    proposals, _ = await setup_event(fake)
    ix = await fake.autocomplete("admin setup", "timezone", "brus", user=fake.owner)
    assert (await fake.wait_for_response(ix.id)).choices == [
        {"name": "Europe/Brussels", "value": "Europe/Brussels"}]
    cb = await answer(fake, "admin setup", {"timezone": "Mars/Olympus"}, user=fake.owner)
    assert cb.ephemeral and "Mars/Olympus" in cb.content
    # an organiser gave the role by hand, without the code: proposals wait for approval
    fake.set_roles(fake.member, [fake.guild.role_by_name("Attendee")])
    cb = await answer(fake, "propose", {"title": "Waiting room", "description": "d"})
    assert "approval" in cb.content, cb.content
    cb = await answer(fake, "propose", {"title": "Spam <@&1>", "description": "d"})
    assert fake.messages_in(proposals) == []

    ix = await fake.autocomplete("admin proposal approve", "session", "wait", user=fake.owner)
    (choice,) = (await fake.wait_for_response(ix.id)).choices
    cb = await answer(fake, "admin proposal approve", {"session": choice["value"]},
                      user=fake.owner)
    assert cb.ephemeral and "Approved **Waiting room**" in cb.content
    await fake.wait_until(lambda: fake.messages_in(proposals), what="posted after approval")
    ix = await fake.autocomplete("admin proposal reject", "session", "", user=fake.owner)
    (spam,) = (await fake.wait_for_response(ix.id)).choices
    cb = await answer(fake, "admin proposal reject", {"session": spam["value"]},
                      user=fake.owner)
    assert "Rejected" in cb.content

    # the proposer edits and withdraws; someone else may not
    sid = choice["value"]
    other = fake.add_member("other")
    cb = await answer(fake, "edit", {"session": sid, "title": "Not yours"}, user=other)
    assert cb.ephemeral and "Only the session's proposer" in cb.content
    cb = await answer(fake, "edit", {"session": sid, "description": "better"})
    assert cb.ephemeral and "Updated" in cb.content
    cb = await answer(fake, "withdraw", {"session": sid})
    assert cb.ephemeral and "Withdrew" in cb.content

    # lock a slot; timetable show lists it
    tv = await bot.service.timetable(fake.guild.id, actor(fake.owner, admin=True))
    slot = tv.days[0].slots[0].id
    cb = await answer(fake, "admin slot lock", {"slot": slot}, user=fake.owner)
    assert f"Slot #{slot} is locked" in cb.content
    cb = await answer(fake, "admin timetable show", user=fake.owner)
    assert cb.ephemeral and "🔒" in cb.embeds[0]["description"]
    assert "Room #" in cb.embeds[0]["description"]

    # export: a JSON attachment, privately
    cb = await answer(fake, "admin export", user=fake.owner)
    assert cb.ephemeral and cb.files[0].filename.endswith(".json")
    doc = json.loads(cb.files[0].data)
    assert "sessions" in json.dumps(doc)

    # backup: answered by a private deferral first (a copy takes time), written on the bot's
    # machine, never sent
    ix = await fake.slash("admin backup", user=fake.owner)
    first = await fake.wait_for_response(ix.id)
    assert first.type == 5 and first.ephemeral
    done = await reply_of(fake, ix, "backup reply")
    assert done.ephemeral and not done.message.get("attachments")
    (copy,) = (tmp_path / "backups").iterdir()
    assert copy.stat().st_size > 0 and str(copy) in done.content
    assert_no_pings(fake)


def _post(fake: FakeDiscord, channel, sid: int) -> dict:
    """The one message in `channel` about session `sid` (its footer names it)."""
    (found,) = [m for m in fake.messages_in(channel)
                if f"Session #{sid} " in m["embeds"][0]["footer"]["text"]]
    return found


def _buttons_live(post: dict) -> bool:
    return not any(b.get("disabled") for b in post["components"][0]["components"])


async def test_a_sessions_post_follows_edits_withdrawal_and_moderation(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """Posts do not go stale: an edit changes the post, a withdrawal shows on it and turns its
    buttons off, an edit that sends the session back to moderation too; a pending proposal
    rejected was never posted. Posts from before posts were recorded are found by their
    thread."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "posts.sqlite"))
    proposals, _ = await setup_event(fake)
    await verify(fake, fake.member)
    cb = await answer(fake, "propose", {"title": "First title", "description": "d"})
    sid = session_id(cb.content)
    await wait_for_post(fake, sid)
    cb = await answer(fake, "edit", {"session": str(sid), "title": "Second title"})
    assert "Updated **Second title**" in cb.content
    post = await fake.wait_until(lambda: (p := _post(fake, proposals, sid))["embeds"][0][
        "title"] == "Second title" and p, what="the post edited")
    assert _buttons_live(post) and len(fake.messages_in(proposals)) == 1

    await bot.posting.set_posted_messages(fake.guild.id, "session", {})  # an older database
    cb = await answer(fake, "withdraw", {"session": str(sid)})
    assert "Withdrew **Second title**" in cb.content
    await fake.wait_until(lambda: not _buttons_live(_post(fake, proposals, sid)),
                          what="buttons off")
    post = _post(fake, proposals, sid)
    assert post["embeds"][0]["description"].startswith("*Withdrawn: it will not be scheduled.*")
    with pytest.raises(InteractionRejected, match="disabled"):
        await fake.click(f"interest:{sid}:100", message=int(post["id"]))

    # the role by hand, never verified: approved, then an edit sends it back, then rejected
    hand = fake.add_member("by hand", roles=[fake.guild.role_by_name("Attendee")])
    cb = await answer(fake, "propose", {"title": "Needs a look", "description": "d"}, user=hand)
    second = session_id(cb.content)
    cb = await answer(fake, "propose", {"title": "Never posted", "description": "d"}, user=hand)
    third = session_id(cb.content)
    await answer(fake, "admin proposal approve", {"session": str(second)}, user=fake.owner)
    await wait_for_post(fake, second)
    await answer(fake, "edit", {"session": str(second), "description": "changed"}, user=hand)
    await fake.wait_until(lambda: not _buttons_live(_post(fake, proposals, second)),
                          what="back to moderation")
    assert "Waiting for an organiser's approval" in _post(fake, proposals, second)[
        "embeds"][0]["description"]
    for rejected in (second, third):
        cb = await answer(fake, "admin proposal reject", {"session": str(rejected)},
                          user=fake.owner)
        assert "Rejected" in cb.content
    await fake.wait_until(lambda: _post(fake, proposals, second)["embeds"][0][
        "description"].startswith("*Withdrawn"), what="shown withdrawn")
    assert not [m for m in fake.messages_in(proposals)
                if f"Session #{third} " in m["embeds"][0]["footer"]["text"]]
    assert len(fake.messages_in(proposals)) == 2
    assert_no_pings(fake)


async def test_a_failed_post_does_not_turn_a_done_command_into_a_failure(
        fake_discord: FakeDiscord, tmp_path, caplog) -> None:
    """After the answer that a proposal or an approval is done, posting the session fails (the
    database refuses to record the post, then Discord refuses the bot in the channel). No
    "Something went wrong" follows the answer: the failure is logged, and the organiser, who
    can act on it, is told plainly; the proposer is not."""
    fake = fake_discord
    db = tmp_path / "fail.sqlite"
    await fake.connect(await make_bot(fake, db))
    proposals, _ = await setup_event(fake)
    await verify(fake, fake.member)
    other = sqlite3.connect(db, isolation_level=None)
    try:  # from now on the database refuses to record a session's post
        other.execute("CREATE TRIGGER refuse BEFORE INSERT ON posted_messages "
                      "WHEN NEW.kind = 'session' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    finally:
        other.close()
    with caplog.at_level(logging.ERROR):
        ix = await fake.slash("propose", {"title": "Mine", "description": "d"})
        cb = await fake.wait_for_response(ix.id)
        assert "is public" in cb.content
        await fake.wait_until(lambda: "could not show session" in caplog.text, what="the log")
    assert [s.content for s in fake.responses(ix.id)] == [cb.content]  # nothing more
    hand = fake.add_member("by hand", roles=[fake.guild.role_by_name("Attendee")])
    pending = session_id((await answer(fake, "propose", {"title": "Theirs", "description": "d"},
                                       user=hand)).content)
    ix = await fake.slash("admin proposal approve", {"session": str(pending)}, user=fake.owner)
    told = await fake.wait_until(lambda: len(fake.responses(ix.id)) == 2 and fake.responses(
        ix.id), what="the organiser told")
    assert [s.content for s in told] == [
        f"Approved **Theirs** (#{pending}).",
        "**Theirs** is saved, but I could not update its post in the proposals channel; the "
        "bot's log has the details."]
    assert all(s.ephemeral for s in told)

    for role in (fake.bot_role, fake.guild.roles[fake.guild.id]):  # the bot's and @everyone
        role.permissions &= ~Perm.SEND_MESSAGES  # now Discord refuses the bot in the channel
    pending = session_id((await answer(fake, "propose", {"title": "Later", "description": "d"},
                                       user=hand)).content)
    ix = await fake.slash("admin proposal approve", {"session": str(pending)}, user=fake.owner)
    told = await fake.wait_until(lambda: len(fake.responses(ix.id)) == 2 and fake.responses(
        ix.id), what="the organiser told")
    assert told[1].content == (f"I could not post **Later** in <#{proposals.id}>: give me View "
                               "Channel, Send Messages and Embed Links there (people can use "
                               "/interest meanwhile).")
    assert str(GENERIC) not in [s.content for s in fake.sent]


async def test_sessions_are_paginated(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "pages.sqlite"))
    await setup_event(fake)
    admin = actor(fake.owner, admin=True)
    for i in range(12):
        await bot.service.propose(fake.guild.id, admin, f"Session {i:02}", "d")
    ix = await fake.slash("sessions")
    cb = await fake.wait_for_response(ix.id)
    assert cb.ephemeral and "Page 1/2" in cb.embeds[0]["footer"]["text"]
    assert len(cb.embeds[0]["fields"]) == 10
    prev, nxt = cb.data["components"][0]["components"]
    assert prev["disabled"] and not nxt.get("disabled")
    (page,) = fake.responses(ix.id)
    press = await fake.click(nxt["custom_id"], message=page.message_id)
    upd = await fake.wait_for_response(press.id)
    assert upd.type == 7 and "Page 2/2" in upd.data["embeds"][0]["footer"]["text"]
    assert len(upd.data["embeds"][0]["fields"]) == 2


async def test_sessions_with_long_descriptions_fit_in_discords_limits(fake_discord: FakeDiscord,
                                                                      tmp_path) -> None:
    """Ten sessions of 1,400 characters each would make one embed over Discord's 6,000: the
    list shows the start of each description, the stand-in (which refuses what Discord
    refuses) takes every page, and the reader sees every session."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "long.sqlite"))
    await setup_event(fake)
    admin = actor(fake.owner, admin=True)
    for i in range(23):
        await bot.service.propose(fake.guild.id, admin, f"{i:02}" + "_*" * 49, "x" * 1400)
    ix = await fake.slash("sessions")
    cb = await fake.wait_for_response(ix.id)
    assert cb.type == 4 and cb.ephemeral and not ix.rejected_callbacks
    pages = [cb.data["embeds"][0]]
    (page,) = fake.responses(ix.id)
    while not (nxt := fake.state.find_message(page.message_id)["components"][0]["components"][1]
               ).get("disabled"):
        press = await fake.click(nxt["custom_id"], message=page.message_id)
        pages.append((await fake.wait_for_response(press.id)).data["embeds"][0])
    shown = [f["name"].split()[1][:2] for p in pages for f in p["fields"]]
    assert shown == [f"{i:02}" for i in range(23)]
    assert f"Page {len(pages)}/{len(pages)}" in pages[-1]["footer"]["text"]


async def _every_page(fake: FakeDiscord, ix) -> list[dict]:
    """The embeds of every page of a paged reply, pressing ▶ until it is disabled."""
    pages = [(await fake.wait_for_response(ix.id)).data["embeds"][0]]
    (reply,) = fake.responses(ix.id)
    while (rows := fake.state.find_message(reply.message_id)["components"]) and not (
            nxt := rows[0]["components"][1]).get("disabled"):
        press = await fake.click(nxt["custom_id"], message=reply.message_id, user=fake.owner)
        cb = await fake.wait_for_response(press.id)
        assert cb.type == 7 and not press.rejected_callbacks
        pages.append(cb.data["embeds"][0])
    return pages


async def test_the_timetable_show_reaches_every_day_slot_and_room(fake_discord: FakeDiscord,
                                                                  tmp_path) -> None:
    """3 days of 12 slots and 10 rooms, then 10 days of 40 slots and 150 rooms: every id is
    on some page (the reply used to be cut at about 2,000 characters)."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "show.sqlite"))
    guild, admin = fake.guild.id, actor(fake.owner, admin=True)
    await bot.service.setup_event(guild, admin, name="Show", timezone="Europe/Brussels")

    def hhmm(minutes: int) -> str:
        return f"{minutes // 60:02}:{minutes % 60:02}"

    async def grow(days: int, slots: int, rooms: int) -> None:
        tv = await bot.service.timetable(guild, admin)
        for d in range(len(tv.days), len(tv.days) + days):
            day = await bot.service.add_day(guild, admin, f"2026-08-{d + 1:02}", f"Day {d}")
            for i in range(slots):
                start = 6 * 60 + 20 * i
                await bot.service.add_slot(guild, admin, day.id, hhmm(start), hhmm(start + 15),
                                           label="A slot label " * 7)
        for r in range(len(tv.rooms), len(tv.rooms) + rooms):
            await bot.service.add_room(guild, admin, f"Room {r} " + "with a long name " * 5, 40)

    for days, slots, rooms in ((3, 12, 10), (7, 40, 140)):
        await grow(days, slots, rooms)
        tv = await bot.service.timetable(guild, admin)
        ix = await fake.slash("admin timetable show", user=fake.owner)
        pages = await _every_page(fake, ix)
        text = "\n".join(p["description"] for p in pages)
        assert all(f"**Day #{d.id}**" in text for d in tv.days)
        assert all(f"Slot #{s.id}: " in text for d in tv.days for s in d.slots)
        assert all(f"Room #{r.id}: " in text for r in tv.rooms)
        assert pages[-1]["footer"]["text"].startswith(f"Page {len(pages)}/{len(pages)}")
    assert len(pages) > 1


async def test_a_failed_admin_command_also_refreshes_the_gates(fake_discord: FakeDiscord,
                                                               tmp_path) -> None:
    """The gates' settings cache is cleared when an admin command ends, also when it fails
    (it may have written before failing), not only when it succeeds."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "gate.sqlite"))
    await setup_event(fake)
    assert (await bot.gate_settings(fake.guild.id)).verification_required  # cached now
    await bot.service.update_settings(fake.guild.id, actor(fake.owner, admin=True),
                                      verification_required=False)  # behind the cache's back
    ix = await fake.slash("admin schedule publish", user=fake.owner)
    refusal = await reply_of(fake, ix, "refusal")
    assert "Nothing to publish yet" in refusal.content  # the command failed
    assert not (await bot.gate_settings(fake.guild.id)).verification_required
