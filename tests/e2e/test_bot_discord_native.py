"""Issue 5, features 1, 2 and 5 through the real bot and the Discord stand-in: sessions
mirrored as Discord scheduled events (created, then only what changed is updated, moved or
deleted; nothing after a restart; nothing with the switch off), a discussion thread per
public session (once, linked from its embed and the timetable), and the timetable pictures
(one a day) attached on publish and replaced on re-publish."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

from bot.event.models import Actor
from bot.render.timetable_png import MAX_HEIGHT, WIDTH, render_timetable
from tests.e2e.bot_harness import (
    answer,
    answered,
    event_calls,
    make_bot,
    publish,
    reply_of,
    restart_bot,
    run_schedule,
    session_id,
)
from tests.e2e.fake_discord import ChannelType, FakeDiscord, Perm, Upload
from tests.e2e.test_bot_event import assert_no_pings

PNG = b"\x89PNG\r\n\x1a\n"
TITLES = ("Live patching", "Rust in anger", "CP-SAT for fun", "Lightning talks", "Knitting")


def future_toml() -> bytes:
    """One day a month from now (Discord refuses events in the past): 3 slots, 2 rooms."""
    day = (datetime.now(UTC) + timedelta(days=30)).date()
    return f"""timezone = "Europe/Brussels"
[[rooms]]
name = "Main hall"
capacity = 80
[[rooms]]
name = "Garden"
capacity = 15
[[days]]
date = {day.isoformat()}
label = "Day one"
slots = [
  {{ start = "09:30", end = "10:15" }},
  {{ start = "10:30", end = "11:15" }},
  {{ start = "11:15", end = "11:45", break = true, label = "Coffee" }},
  {{ start = "11:45", end = "12:30" }},
]
""".encode()


ADMIN = Actor(user_id=1, display_name="test", is_admin=True)


async def start_event(fake: FakeDiscord, tmp_path):
    bot = await fake.connect(await make_bot(fake, tmp_path / "n.sqlite"))
    proposals = fake.add_channel("proposals")
    announcements = fake.add_channel("announcements")
    await answer(fake, "admin setup", {"name": "Camp", "timezone": "Europe/Brussels",
                                       "proposals_channel": proposals,
                                       "announcements_channel": announcements},
                 user=fake.owner)
    cb = await answered(fake, "admin timetable import",
                      {"file": Upload("t.toml", future_toml())}, user=fake.owner)
    assert "Imported 1 day, 4 slots (1 of them a break)" in cb.content, cb.content
    await answer(fake, "admin code required", {"on": False}, user=fake.owner)
    ids = {}
    people = [fake.owner, fake.member] + [fake.add_member(f"p{i}") for i in range(3)]
    for title, who in zip(TITLES, people, strict=True):  # one proposer each: all placeable
        cb = await answer(fake, "propose", {"title": title, "description": f"About {title}"},
                          user=who)
        ids[title] = session_id(cb.content)
    await fake.wait_until(lambda: len(fake.messages_in(proposals)) == len(TITLES))
    await run_schedule(fake)
    return bot, proposals, announcements, ids


async def placed(bot, guild_id: int) -> dict[int, tuple]:
    """session id → (start, end, room name) of the published timetable."""
    tt = await bot.service.published_timetable(guild_id, ADMIN)
    return {e.session_id: (ps.slot.start, ps.slot.end, e.room_name, e.room_id)
            for d in tt.days for ps in d.slots for e in ps.entries}


def iso(t: datetime) -> float:
    return datetime.fromisoformat(t).timestamp() if isinstance(t, str) else t.timestamp()


async def test_scheduled_events_mirror(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot, _, _, ids = await start_event(fake, tmp_path)
    gid = fake.guild.id

    # publish: one external event per placed session, at the slot's times and the room's name
    reply = (await publish(fake)).content
    where = await placed(bot, gid)
    assert len(where) == len(TITLES)  # 3 slots × 2 rooms hold all five
    assert f"Discord events: {len(where)} created, 0 unchanged." in reply, reply
    events = fake.guild.scheduled_events
    assert len(events) == len(where)
    by_name = {e["name"]: e for e in events.values()}
    titles = {v: k for k, v in ids.items()}
    for sid, (start, end, room, _) in where.items():
        ev = by_name[titles[sid]]
        assert iso(ev["scheduled_start_time"]) == start.timestamp()
        assert iso(ev["scheduled_end_time"]) == end.timestamp()
        assert ev["entity_type"] == 3 and ev["entity_metadata"] == {"location": room}
        assert ev["description"] == f"About {titles[sid]}" and ev["privacy_level"] == 2

    # re-publish unchanged: no call at all
    mark = len(fake.requests)
    reply = (await publish(fake)).content
    assert event_calls(fake, mark) == [] and f"{len(where)} unchanged" in reply

    # changes: one session withdrawn, one renamed, one slot moved, one room given a voice channel
    order = sorted(where, key=lambda s: (where[s][0], where[s][2]))
    gone, renamed = order[0], order[1]
    event_of = {sid: (await bot.mirror.store.mirrored(gid))[sid].event_id for sid in where}
    cb = await answer(fake, "withdraw", {"session": str(gone)}, user=fake.owner)
    assert "Withdrew" in cb.content
    await bot.service.edit_session(gid, ADMIN, renamed, title="Live patching, again")
    tv = await bot.service.timetable(gid, ADMIN)
    last_slot = [s for s in tv.days[0].slots if not s.is_break][-1]
    await bot.service.edit_slot(gid, ADMIN, last_slot.id, start="12:45", end="13:30")
    voice = fake.add_channel("main-hall-voice", type=ChannelType.VOICE)
    main = next(r for r in tv.rooms if r.name == "Main hall")
    await fake.wait_until(lambda: bot.get_channel(voice.id) is not None)
    cb = await answer(fake, "admin room voice", {"room": main.id, "channel": voice},
                      user=fake.owner)
    assert f"<#{voice.id}>" in cb.content, cb.content
    after = await placed(bot, gid)
    moved = {s for s in after if after[s][0] != where[s][0]}
    in_main = {s for s in after if after[s][3] == main.id}
    changed = ({renamed} | moved | in_main) - {gone}
    assert moved and in_main

    mark = len(fake.requests)
    reply = (await publish(fake)).content
    calls = event_calls(fake, mark)
    assert sorted(calls) == sorted([("DELETE", str(event_of[gone]))]
                                   + [("PATCH", str(event_of[s])) for s in changed]), calls
    unchanged = len(after) - len(changed)
    assert f"{len(changed)} updated, 1 removed, {unchanged} unchanged" in reply, reply
    events = fake.guild.scheduled_events
    assert int(event_of[gone]) not in events and len(events) == len(after)
    for sid, (start, end, room, room_id) in after.items():
        ev = events[event_of[sid]]
        assert iso(ev["scheduled_start_time"]) == start.timestamp()
        assert iso(ev["scheduled_end_time"]) == end.timestamp()
        if room_id == main.id:
            assert ev["entity_type"] == 2 and ev["channel_id"] == str(voice.id)
        else:
            assert ev["entity_type"] == 3 and ev["entity_metadata"] == {"location": room}
    assert events[event_of[renamed]]["name"] == "Live patching, again"

    # restart, re-publish: nothing duplicated, not a single call
    bot = await restart_bot(fake, bot, tmp_path / "n.sqlite")
    mark = len(fake.requests)
    reply = (await publish(fake)).content
    assert event_calls(fake, mark) == [] and len(fake.guild.scheduled_events) == len(after)

    # an event deleted by hand in Discord comes back on the next change
    some = next(iter(sorted(after)))
    del fake.guild.scheduled_events[event_of[some]]
    await bot.service.edit_session(gid, ADMIN, some, description="New description")
    mark = len(fake.requests)
    await publish(fake)
    assert [m for m, _ in event_calls(fake, mark)] == ["PATCH", "POST"]
    assert len(fake.guild.scheduled_events) == len(after)

    # switch off: publishing makes no call
    cb = await answer(fake, "admin events", {"on": False}, user=fake.owner)
    assert "off" in cb.content
    await bot.service.edit_session(gid, ADMIN, some, description="Another description")
    mark = len(fake.requests)
    reply = (await publish(fake)).content
    assert event_calls(fake, mark) == [] and "Discord events" not in reply
    # on again: brought in step at once
    mark = len(fake.requests)
    ix = await fake.slash("admin events", {"on": True}, user=fake.owner)
    done = await reply_of(fake, ix)
    assert "1 updated" in done.content, done.content
    assert [m for m, _ in event_calls(fake, mark)] == ["PATCH"]

    # without Manage Events: a clear line in the organiser's reply
    fake.bot_role.permissions &= ~Perm.MANAGE_EVENTS
    await bot.service.edit_session(gid, ADMIN, some, description="Third description")
    reply = (await publish(fake)).content
    assert "Manage Events" in reply and "Published version" in reply
    assert_no_pings(fake)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG
    return struct.unpack(">II", data[16:24])


async def test_threads_and_picture(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot, proposals, announcements, ids = await start_event(fake, tmp_path)
    gid = fake.guild.id

    # every public session got one thread on its message, linked from its embed
    posts = fake.messages_in(proposals)
    threads = {}
    for m in posts:
        sid = session_id(m["embeds"][0]["footer"]["text"])
        assert m["thread"]["parent_id"] == str(proposals.id)
        threads[sid] = int(m["thread"]["id"])
        assert m["embeds"][0]["fields"] == [{"name": "Discussion", "value": f"<#{threads[sid]}>",
                                             "inline": True}]
    assert set(threads) == set(ids.values())
    assert await bot.threads.thread_ids(gid) == threads

    # a pending proposal gets its thread on approval, once, also after a restart and re-post
    await answer(fake, "admin code required", {"on": True}, user=fake.owner)
    newcomer = fake.add_member("newcomer")
    fake.set_roles(newcomer, [fake.guild.role_by_name("Attendee")])  # by hand: not verified
    cb = await answer(fake, "propose", {"title": "Pending talk", "description": "p"},
                      user=newcomer)
    assert "waits for an organiser" in cb.content, cb.content
    pending = session_id(cb.content)
    thread_calls = lambda: [r for r in fake.requests if r.path.endswith("/threads")]  # noqa: E731
    before = len(thread_calls())
    cb = await answer(fake, "admin proposal approve", {"session": str(pending)},
                      user=fake.owner)
    await fake.wait_until(lambda: len(thread_calls()) == before + 1, what="thread")
    await fake.wait_until(lambda: any(m.get("thread") and m["embeds"][0].get("fields")
                                      for m in fake.messages_in(proposals)
                                      if m["embeds"][0]["title"] == "Pending talk"))
    thread = (await bot.threads.thread_ids(gid))[pending]
    (post,) = [m for m in fake.messages_in(proposals) if m["embeds"][0]["title"] == "Pending talk"]
    count = len(fake.messages_in(proposals))
    bot = await restart_bot(fake, bot, tmp_path / "n.sqlite")
    cb = await answer(fake, "edit", {"session": str(pending), "title": "Pending talk 2"},
                      user=newcomer)
    assert "approval again" in cb.content, cb.content
    # the same post follows: new title, waiting again, buttons off; then live once approved
    await fake.wait_until(lambda: post["embeds"][0]["title"] == "Pending talk 2", what="edit")
    assert "Waiting for an organiser's approval" in post["embeds"][0]["description"]
    assert all(b.get("disabled") for b in post["components"][0]["components"])
    await answer(fake, "admin proposal approve", {"session": str(pending)}, user=fake.owner)
    await fake.wait_until(lambda: not any(b.get("disabled")
                                          for b in post["components"][0]["components"]),
                          what="buttons live again")
    assert post["embeds"][0]["fields"][0]["value"] == f"<#{thread}>"
    assert "Waiting" not in post["embeds"][0]["description"]
    assert len(thread_calls()) == before + 1 and len(fake.messages_in(proposals)) == count

    # publish: thread links in the timetable, and the picture: one per day, phone-shaped
    reply = (await publish(fake)).content
    assert "Posted the timetable pictures: 1 picture for 1 day." in reply, reply
    where = await placed(bot, gid)
    day_text = str([m["embeds"] for m in fake.messages_in(announcements) if m["embeds"]])
    threads = await bot.threads.thread_ids(gid)
    for sid in where:  # each title links to its thread
        assert f"](https://discord.com/channels/{gid}/{threads[sid]})" in day_text

    pictures = [m for m in fake.messages_in(announcements) if m["attachments"]]
    assert len(pictures) == 1 and len(pictures[0]["attachments"]) == 1
    att = pictures[0]["attachments"][0]
    data = fake.file_bytes(att)
    tt = await bot.service.published_timetable(gid, ADMIN)
    (day,) = tt.days
    assert att["filename"] == f"timetable-{day.date.isoformat()}.png"
    assert att["content_type"] == "image/png"
    width, height = png_size(data)
    assert width == WIDTH and 400 < height <= MAX_HEIGHT
    rooms = (await bot.service.timetable(gid, ADMIN)).rooms
    (picture,) = render_timetable(tt, event_name="Camp", rooms=rooms)
    assert picture.png == data  # what was attached is this layout
    assert att["description"] == picture.alt  # the day in words, for screen readers
    assert {b.session_id for b in picture.boxes} == set(where)
    for b in picture.boxes:
        x0, y0, x1, y1 = b.bbox
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        assert b.title in att["description"]

    # re-publish after a change: the same message, the old file replaced by the new picture
    first = next(iter(where))
    await bot.service.edit_session(gid, ADMIN, first, title="Renamed for the picture")
    reply = (await publish(fake)).content
    assert "Replaced the timetable pictures: 1 picture for 1 day." in reply, reply
    pictures = [m for m in fake.messages_in(announcements) if m["attachments"]]
    assert [m["id"] for m in pictures] == [pictures[0]["id"]]
    (new_att,) = pictures[0]["attachments"]
    assert new_att["id"] != att["id"]
    new_data = fake.file_bytes(new_att)
    assert png_size(new_data)[0] == WIDTH and new_data != data
    (again,) = render_timetable(await bot.service.published_timetable(gid, ADMIN),
                                event_name="Camp", rooms=rooms)
    assert again.png == new_data
    assert "Renamed for the picture" in {b.title for b in again.boxes}
    assert_no_pings(fake)


async def test_pictures_go_ten_to_a_message_and_follow_the_days(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """Twelve days: twelve pictures in two messages (Discord takes ten attachments a message),
    each named by its day with its description; with three days fewer, re-publishing edits the
    first message and deletes the second."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "p.sqlite"))
    gid = fake.guild.id
    announcements = fake.add_channel("announcements")
    await answer(fake, "admin setup", {"name": "Long camp", "timezone": "Europe/Brussels",
                                       "announcements_channel": announcements}, user=fake.owner)
    await answer(fake, "admin events", {"on": False}, user=fake.owner)
    await bot.service.add_room(gid, ADMIN, "Main hall", 50)
    first = (datetime.now(UTC) + timedelta(days=30)).date()
    days = []
    for i in range(12):
        d = await bot.service.add_day(gid, ADMIN, first + timedelta(days=i))
        await bot.service.add_slot(gid, ADMIN, d.id, "10:00", "11:00")
        days.append(d)
    for i in range(3):
        await bot.service.propose(gid, ADMIN, f"Talk {i} 🚀", "x")
    await run_schedule(fake)
    reply = (await publish(fake)).content
    assert "Posted the timetable pictures: 12 pictures for 12 days." in reply, reply
    posted = [m for m in fake.messages_in(announcements) if m["attachments"]]
    assert [len(m["attachments"]) for m in posted] == [10, 2]
    assert [m["content"][-12:] for m in posted] == ["Part 1 of 2.", "Part 2 of 2."]
    names = [a["filename"] for m in posted for a in m["attachments"]]
    assert names == [f"timetable-{d.date.isoformat()}.png" for d in days]
    for a, d in zip((a for m in posted for a in m["attachments"]), days, strict=True):
        assert d.date.strftime("%A") in a["description"] and len(a["description"]) <= 1024
        assert png_size(fake.file_bytes(a))[0] == WIDTH

    for d in days[9:]:
        await bot.service.remove_day(gid, ADMIN, d.id, force=True)
    await run_schedule(fake)
    reply = (await publish(fake)).content
    assert "Replaced the timetable pictures: 9 pictures for 9 days." in reply, reply
    now = [m for m in fake.messages_in(announcements) if m["attachments"]]
    assert [m["id"] for m in now] == [posted[0]["id"]] and len(now[0]["attachments"]) == 9
    assert not now[0]["content"].endswith("Part 1 of 2.")
