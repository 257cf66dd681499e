"""Issue 14, item 1, through the real bot and the stand-in: a session's availability,
co-hosts, length, track, pin and not-in-parallel; attendee availability; phases; the
moderation list with its buttons and direct messages; importing an export; autocomplete of
days, slots and rooms. Every organiser command refuses a member."""

from __future__ import annotations

import json

from bot.discord.checks import ADMIN_REFUSAL
from bot.event.scheduling import snapshot
from tests.e2e.bot_harness import actor, answer, answered, make_bot, session_id, wait_for_post
from tests.e2e.fake_discord import FakeDiscord, Upload
from tests.e2e.personal_harness import dms
from tests.e2e.test_bot_event import assert_no_pings, setup_event, verify


async def _choices(fake: FakeDiscord, command: str, option: str, typed: str, options=None,
                   user=None) -> list[dict]:
    ix = await fake.autocomplete(command, option, typed, options or {}, user=user or fake.owner)
    return (await fake.wait_for_response(ix.id)).choices


async def _refused(fake: FakeDiscord, command: str, options: dict) -> None:
    cb = await answer(fake, command, options, user=fake.member, bypass_permissions=True)
    assert cb.ephemeral and cb.content == ADMIN_REFUSAL, (command, cb.content)


async def test_session_constraints_and_attendee_availability(fake_discord: FakeDiscord,
                                                             tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "c.sqlite"))
    proposals, _ = await setup_event(fake)
    await verify(fake, fake.member)
    cohost = fake.add_member("cohost")
    other = fake.add_member("other")
    sid = session_id((await answer(fake, "propose", {"title": "Rust", "description": "d"})).content)
    two = session_id((await answer(fake, "propose", {"title": "Go", "description": "d"},
                                   user=fake.owner)).content)
    await wait_for_post(fake, sid)
    guild = fake.guild.id

    # the proposer's availability: slots from the list autocomplete, days too
    found = await _choices(fake, "session availability", "slots", "", {"session": str(sid)},
                           user=fake.member)
    assert found and all(c["name"].startswith("Slot #") for c in found)
    first = found[0]["value"]
    found = await _choices(fake, "session availability", "slots", first + ", ",
                           {"session": str(sid)}, user=fake.member)
    assert found[0]["value"].startswith(first + ", ") and len(found) <= 25
    two_slots = found[0]["value"]
    cb = await answer(fake, "session availability", {"session": str(sid), "slots": two_slots})
    assert cb.ephemeral and "can now run" in cb.content and cb.content.count("<t:") == 4
    days = await _choices(fake, "session availability", "days", "", {"session": str(sid)},
                          user=fake.member)
    assert [c["name"][:5] for c in days] == ["Day #", "Day #"]
    cb = await answer(fake, "session availability", {"session": str(sid), "slots": "x1"})
    assert "not a slot number" in cb.content
    cb = await answer(fake, "session availability", {"session": str(sid)}, user=other)
    assert "no such session" in cb.content or "Only the session's proposer" in cb.content

    # co-hosts: added by the proposer, shown on the session's post, refused to others
    cb = await answer(fake, "session cohosts", {"session": str(sid), "add": cohost})
    assert f"<@{cohost.id}>" in cb.content
    await fake.wait_until(lambda: any(
        f.get("name") == "Co-hosts" and f"<@{cohost.id}>" in f["value"]
        for m in fake.messages_in(proposals) for e in m["embeds"] for f in e.get("fields", [])),
        what="co-hosts on the post")
    cb = await answer(fake, "session cohosts", {"session": str(sid), "add": other}, user=other)
    assert cb.ephemeral and "Only the session's proposer" in cb.content

    # the organisers' part
    cb = await answer(fake, "admin session length", {"session": str(sid), "slots": 2},
                      user=fake.owner)
    assert "takes 2 slots" in cb.content
    cb = await answer(fake, "admin session track", {"session": str(sid), "track": "Systems"},
                      user=fake.owner)
    assert "track **Systems**" in cb.content
    slots = await _choices(fake, "admin session pin", "slot", "", {"session": str(two)})
    rooms = await _choices(fake, "admin session pin", "room", "hall", {"session": str(two)})
    assert rooms and all("hall" in r["name"].lower() for r in rooms)
    cb = await answer(fake, "admin session pin", {"session": str(two), "slot": slots[1]["value"],
                                                  "room": rooms[0]["value"]}, user=fake.owner)
    assert "is pinned to slot" in cb.content, cb.content
    cb = await answer(fake, "admin session not-in-parallel",
                      {"session": str(sid), "other": str(two)}, user=fake.owner)
    assert "never run at the same time" in cb.content
    cb = await answer(fake, "session show", {"session": str(sid)})
    assert "Length: 2 slots" in cb.content and "Track: Systems" in cb.content
    assert f"Never at the same time as #{two}" in cb.content and f"<@{cohost.id}>" in cb.content
    cb = await answer(fake, "session show", {"session": str(two)}, user=fake.owner)
    assert "Pinned to slot" in cb.content

    # what the engine will be told
    inst = await bot.service.db.read(lambda conn: snapshot(conn, guild))
    by_id = {s.id: s for s in inst.sessions}
    assert by_id[str(sid)].proposers == [str(fake.member.id), str(cohost.id)]
    assert (by_id[str(sid)].length, by_id[str(sid)].track) == (2, "Systems")
    assert by_id[str(sid)].allowed_slots == two_slots.split(", ")
    assert [f.session for f in inst.fixed] == [str(two)]
    assert inst.not_in_parallel == [tuple(sorted((str(sid), str(two)), key=int))]
    cb = await answer(fake, "admin session unpin", {"session": str(two)}, user=fake.owner)
    assert "not pinned" in cb.content

    # attendee availability: for attendees (with verification on, once verified)
    cb = await answer(fake, "availability", user=other)
    assert "verify first" in cb.content
    await verify(fake, other)
    cb = await answer(fake, "availability", user=other)
    assert "every slot of the event" in cb.content
    cb = await answer(fake, "availability", {"days": days[0]["value"]}, user=other)
    assert cb.content.startswith("Saved.") and cb.content.count("<t:") >= 2
    inst = await bot.service.db.read(lambda conn: snapshot(conn, guild))
    assert [a.attendee for a in inst.availability] == [str(other.id)]
    cb = await answer(fake, "availability", {"everywhere": True}, user=other)
    assert "every slot of the event" in cb.content

    # members are refused every organiser command
    for command, options in (
            ("admin session length", {"session": str(sid), "slots": 3}),
            ("admin session track", {"session": str(sid)}),
            ("admin session pin", {"session": str(sid), "slot": int(first)}),
            ("admin session unpin", {"session": str(sid)}),
            ("admin session not-in-parallel", {"session": str(sid), "other": str(two)})):
        await _refused(fake, command, options)
    assert (await bot.service.get_session(guild, actor(fake.owner, True), sid)).length == 2
    assert_no_pings(fake)


async def test_phases_and_timetable_autocomplete(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "p.sqlite"))
    await setup_event(fake)
    await verify(fake, fake.member)
    cb = await answer(fake, "admin phase", {"proposals": "closed"}, user=fake.owner)
    assert cb.content == "Proposals: closed · Interest: open"
    cb = await answer(fake, "propose", {"title": "Late", "description": "d"})
    assert "Proposals are closed" in cb.content
    cb = await answer(fake, "admin phase", {"proposals": "open", "interest": "closed"},
                      user=fake.owner)
    assert cb.content == "Proposals: open · Interest: closed"
    sid = session_id((await answer(fake, "propose", {"title": "On time",
                                                     "description": "d"})).content)
    cb = await answer(fake, "interest", {"session": str(sid), "level": 75}, user=fake.owner)
    cb = await answer(fake, "interest", {"session": str(sid), "level": 75})
    assert "Interest is closed" in cb.content
    reply = await answered(fake, "admin setup", user=fake.owner)
    assert "Proposals: open · Interest: closed" in reply.content
    await _refused(fake, "admin phase", {"interest": "open"})

    # the timetable's own commands complete days, slots (breaks too) and rooms
    days = await _choices(fake, "admin slot add", "day", "")
    assert [type(c["value"]) for c in days] == [int, int]
    breaks = await _choices(fake, "admin slot lock", "slot", "break")
    assert breaks and all("break" in c["name"] for c in breaks)
    rooms = await _choices(fake, "admin room remove", "room", "")
    assert len(rooms) == 3 and all(c["name"].startswith("Room #") for c in rooms)
    cb = await answer(fake, "admin slot lock", {"slot": breaks[0]["value"]}, user=fake.owner)
    assert "is locked" in cb.content


async def test_moderation_list_notices_and_direct_messages(fake_discord: FakeDiscord,
                                                           tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "m.sqlite"))
    proposals, _ = await setup_event(fake)
    moderation = fake.add_channel("moderation")
    reply = await answered(fake, "admin setup", {"moderation_channel": moderation},
                           user=fake.owner)
    assert f"Moderation channel: <#{moderation.id}>" in reply.content
    fake.set_roles(fake.member, [fake.guild.role_by_name("Attendee")])  # no code entered
    closed = fake.add_member("closed")
    fake.set_roles(closed, [fake.guild.role_by_name("Attendee")])
    for title, who in (("First", fake.member), ("Second", fake.member), ("Third", closed)):
        cb = await answer(fake, "propose", {"title": title, "description": "d"}, user=who)
        assert "approval" in cb.content
    notices = await fake.wait_until(lambda: len(fake.messages_in(moderation)) == 3
                                    and fake.messages_in(moderation), what="three notices")
    assert "**First**" in notices[0]["content"] and "waits for approval" in notices[0]["content"]

    # the list: one proposal a page, paged, approve and reject from it
    ix = await fake.slash("admin proposal list", user=fake.owner)
    cb = await fake.wait_for_response(ix.id)
    assert cb.ephemeral and cb.embeds[0]["title"] == "First"
    assert "1 of 3" in cb.embeds[0]["author"]["name"]
    prev, nxt, approve, reject = cb.data["components"][0]["components"]
    assert prev["disabled"] and not nxt.get("disabled")
    (page,) = fake.responses(ix.id)
    press = await fake.click(nxt["custom_id"], message=page.message_id, user=fake.owner)
    upd = await fake.wait_for_response(press.id)
    assert upd.type == 7 and upd.data["embeds"][0]["title"] == "Second"
    press = await fake.click(approve["custom_id"], message=page.message_id, user=fake.owner)
    upd = await fake.wait_for_response(press.id)
    assert "Approved **Second**" in upd.data["embeds"][0]["description"]
    assert upd.data["embeds"][0]["title"] == "Third"  # the queue moved on
    await fake.wait_until(lambda: dms(fake, fake.member), what="the approval DM")
    assert "**Second**" in dms(fake, fake.member)[0] and "approved" in dms(fake, fake.member)[0]
    await fake.wait_until(lambda: fake.messages_in(proposals), what="posted once approved")

    # rejecting from the list asks for a reason; the proposer's closed DMs fail nothing
    fake.dms_closed.add(closed.id)
    press = await fake.click(reject["custom_id"], message=page.message_id, user=fake.owner)
    assert (await fake.wait_for_response(press.id)).type == 9
    submit = await fake.submit_modal(press, {"reject:reason": "Off topic"})
    upd = await fake.wait_for_response(submit.id)
    assert upd.type == 7 and "Rejected **Third**" in upd.data["embeds"][0]["description"]
    told = await fake.wait_until(lambda: [s for s in fake.responses(submit.id)
                                          if "could not tell" in (s.content or "")],
                                 what="the organiser told of closed DMs")
    assert told[0].ephemeral and "closed" in told[0].content

    # the command with a reason
    cb = await answer(fake, "admin proposal reject", {"session": str(session_id(
        notices[0]["content"])), "reason": "Too close to another"}, user=fake.owner)
    assert "Rejected **First**" in cb.content
    await fake.wait_until(lambda: len(dms(fake, fake.member)) == 2, what="the rejection DM")
    assert "Too close to another" in dms(fake, fake.member)[1]
    ix = await fake.slash("admin proposal list", user=fake.owner)
    cb = await fake.wait_for_response(ix.id)
    assert cb.embeds[0]["title"] == "No proposals wait for approval"
    assert all(b.get("disabled") for b in cb.data["components"][0]["components"])
    await _refused(fake, "admin proposal list", {})
    await _refused(fake, "admin proposal approve", {"session": "1"})
    assert_no_pings(fake)


async def test_import_of_an_export(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "i.sqlite"))
    await setup_event(fake)
    await verify(fake, fake.member)
    await answer(fake, "propose", {"title": "Kept", "description": "d"})
    cb = await answer(fake, "admin export", user=fake.owner)
    doc = json.loads(cb.files[0].data)
    await answer(fake, "propose", {"title": "Gone after import", "description": "d"})

    upload = Upload("event.json", json.dumps(doc).encode())
    cb = await answer(fake, "admin import", {"file": upload, "replace_everything": False},
                      user=fake.owner)
    assert "Nothing changed" in cb.content
    doc["event"]["announcements_channel_id"] = 999  # another server's channel
    reply = await answered(fake, "admin import",
                           {"file": Upload("event.json", json.dumps(doc).encode()),
                            "replace_everything": True}, user=fake.owner)
    assert reply.ephemeral and "Imported the event: 1 session, 10 slots, 3 rooms" in reply.content
    assert "Left out" in reply.content and "announcements channel" in reply.content
    titles = [s.title for s in await bot.service.list_sessions(fake.guild.id,
                                                               actor(fake.owner, True))]
    assert titles == ["Kept"]
    # a broken file changes nothing
    doc["sessions"][0]["title"] = ""
    reply = await answered(fake, "admin import",
                           {"file": Upload("event.json", json.dumps(doc).encode()),
                            "replace_everything": True}, user=fake.owner)
    assert "nothing changed" in reply.content
    assert [s.title for s in await bot.service.list_sessions(
        fake.guild.id, actor(fake.owner, True))] == ["Kept"]
    await _refused(fake, "admin import", {"file": upload, "replace_everything": True})
