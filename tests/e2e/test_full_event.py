"""One whole small event, end to end, through the real bot (as `session-scheduler run` builds it)
and the loopback Discord stand-in, the way organisers and attendees would run it:

setup → timetable import (TOML attachment: 2 days, breaks, 3 rooms, one with a voice channel) →
verification (a wrong code, then the right one) → proposals (options, modal, one pending and
approved) → interest (command, button, a button pressed after a restart) → /remind on →
schedule run (progress, preview, explanations) → publish (timetable, picture, Discord events,
threads, announcement and reminder jobs) → /schedule, /myschedule (.ics, clashes) → an "up next"
announcement and a reminder DM fired through the injected clock → interest changes, a re-run that
previews the moves and what they buy → re-publish (messages edited, only changed events touched,
one notice per person) → a restart that duplicates nothing.

Set FULL_EVENT_DUMP=/some/file.md to write every message the bot sent, for reading it as a user.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from bot.event.models import SYSTEM
from tests.e2e.bot_harness import (
    CODE,
    Clock,
    answer,
    answered,
    event_calls,
    field,
    make_bot,
    publish,
    reply_of,
    restart_bot,
    run_schedule,
    session_id,
)
from tests.e2e.fake_discord import ChannelType, FakeDiscord, Upload
from tests.e2e.personal_harness import dms, placements
from tests.e2e.test_bot_event import assert_no_pings

PNG = b"\x89PNG\r\n\x1a\n"
DAY1 = (datetime.now(UTC) + timedelta(days=30)).date()  # Discord refuses events in the past
DAY2 = DAY1 + timedelta(days=1)
CAPACITY = {"Main hall": 4, "Workshop": 3, "Garden": 2}


def timetable_toml(voice_id: int) -> bytes:
    return f"""timezone = "Europe/Brussels"

[[rooms]]
name = "Main hall"
capacity = {CAPACITY["Main hall"]}
voice_channel_id = {voice_id}

[[rooms]]
name = "Workshop"
capacity = {CAPACITY["Workshop"]}

[[rooms]]
name = "Garden"
capacity = {CAPACITY["Garden"]}

[[days]]
date = {DAY1.isoformat()}
label = "Day one"
slots = [
  {{ start = "09:30", end = "10:15" }},
  {{ start = "10:15", end = "10:45", break = true, label = "Coffee" }},
  {{ start = "10:45", end = "11:30" }},
]

[[days]]
date = {DAY2.isoformat()}
label = "Day two"
slots = [
  {{ start = "09:30", end = "10:15" }},
  {{ start = "12:00", end = "13:00", break = true, label = "Lunch" }},
]
""".encode()


def dump(fake: FakeDiscord, path: str) -> None:
    """Every message the bot sent, in order, as markdown (for reviewing the wording)."""
    out = []
    for s in fake.sent:
        flags = " (ephemeral)" if s.ephemeral else ""
        out.append(f"### {s.kind} in {s.channel_id}{flags}\n")
        if s.content:
            out.append(s.content + "\n")
        for e in s.embeds:
            out.append(f"> **{e.get('title', '')}**")
            if e.get("description"):
                out += [f"> {ln}" for ln in e["description"].split("\n")]
            for f in e.get("fields") or []:
                out.append(f"> __{f['name']}__")
                out += [f">   {ln}" for ln in f["value"].split("\n")]
            if e.get("footer"):
                out.append(f"> _{e['footer']['text']}_")
            out.append("")
        for f in s.files:
            out.append(f"[file {f.filename}]")
        for row in s.components:
            out.append("[" + " | ".join(str(c.get("label")) for c in row["components"]) + "]")
        out.append("")
    with open(path, "w") as fh:
        fh.write("\n".join(out))


def day_messages(fake: FakeDiscord, channel) -> list[dict]:
    return [m for m in fake.messages_in(channel)
            if m["embeds"] and m["embeds"][0]["title"].startswith(("Day one", "Day two"))]


async def test_full_event(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    db = tmp_path / "event.sqlite"
    clock = Clock(datetime.now(UTC).timestamp())
    try:
        await _scenario(fake, db, clock)
    finally:
        if os.environ.get("FULL_EVENT_DUMP"):
            dump(fake, os.environ["FULL_EVENT_DUMP"])


async def _scenario(fake: FakeDiscord, db, clock: Clock) -> None:
    bot = await fake.connect(await make_bot(fake, db, clock))
    guild = fake.guild.id

    # ---- admin setup: roles, channels, timezone --------------------------------------------
    proposals = fake.add_channel("proposals")
    announcements = fake.add_channel("announcements")
    voice = fake.add_channel("hall-voice", type=ChannelType.VOICE)
    ix = await fake.slash("admin setup", {"name": "Camp 2026", "timezone": "Europe/Brussels",
                                          "proposals_channel": proposals,
                                          "announcements_channel": announcements},
                          user=fake.owner)
    reply = await reply_of(fake, ix, "setup reply")
    assert reply.ephemeral and f"||{CODE}||" in reply.content
    assert "Europe/Brussels" in reply.content and f"<#{proposals.id}>" in reply.content
    attendee = fake.guild.role_by_name("Attendee")
    assert attendee is not None  # created by setup

    # ---- timetable import from a TOML attachment ---------------------------------------------
    cb = await answered(fake, "admin timetable import",
                      {"file": Upload("camp.toml", timetable_toml(voice.id))}, user=fake.owner)
    assert cb.ephemeral and cb.content == ("Imported 2 days, 5 slots (2 of them breaks) and 3 "
                                           "rooms. Check it with /admin timetable show."), \
        cb.content
    tv = await bot.service.timetable(guild, SYSTEM)
    room = {r.name: r for r in tv.rooms}
    assert room["Main hall"].voice_channel_id == voice.id

    # ---- verification: a wrong code, then the right one ---------------------------------------
    alice = fake.member
    cb = await answer(fake, "verify", {"code": "WRONG999"}, user=alice)
    assert cb.ephemeral and "not right" in cb.content and "4 more attempts" in cb.content
    assert attendee.id not in alice.roles
    cb = await answer(fake, "propose", {"title": "Too early", "description": "x"}, user=alice)
    assert cb.ephemeral and "waits for an organiser's approval" in cb.content  # and told why
    cb = await answer(fake, "withdraw", {"session": str(session_id(cb.content))}, user=alice)
    assert cb.ephemeral and "Withdrew **Too early**" in cb.content
    cb = await answer(fake, "verify", {"code": CODE.lower()}, user=alice)
    assert cb.ephemeral and "You are verified!" in cb.content and "Attendee role" in cb.content
    await fake.wait_until(lambda: attendee.id in alice.roles, what="attendee role")
    bob, carol, dave, erin = (fake.add_member(n) for n in ("bob", "carol", "dave", "erin"))
    for who in (bob, carol, dave):
        cb = await answer(fake, "verify", {"code": CODE}, user=who)
        assert "verified" in cb.content
    await fake.wait_until(lambda: all(attendee.id in m.roles for m in (bob, carol, dave)))

    # ---- proposals: by options (user text stays inert), by modal, a pending one -----------
    title: dict[int, str] = {}
    owner: dict[int, int] = {}

    async def propose(who, name: str, description: str = "") -> int:
        cb = await answer(fake, "propose", {"title": name,
                                            "description": description or f"About {name}."},
                          user=who)
        assert cb.ephemeral and "is public" in cb.content, cb.content
        sid = session_id(cb.content)
        title[sid], owner[sid] = name, who.id
        return sid

    live = await propose(alice, "Live patching @everyone", f"Ping <@&{attendee.id}> and @here")
    ix = await fake.slash("propose", user=bob)
    opened = await fake.wait_for_response(ix.id)
    assert opened.type == 9  # the modal
    sub = await fake.submit_modal(ix, {"propose:title": "CP-SAT for fun",
                                       "propose:description": "Constraint programming."})
    cb = await fake.wait_for_response(sub.id)
    assert cb.ephemeral and "CP-SAT for fun" in cb.content and "is public" in cb.content
    cpsat = session_id(cb.content)
    title[cpsat], owner[cpsat] = "CP-SAT for fun", bob.id
    for who, names in ((alice, ["Rust in anger"]), (bob, ["Knitting"]),
                       (carol, ["Go", "Zig"]), (dave, ["Lisp", "Forth"]),
                       (fake.owner, ["Opening"])):
        for n in names:
            await propose(who, n)
    # erin has the role by hand but never verified: her proposal waits for an organiser
    fake.set_roles(erin, [attendee])
    cb = await answer(fake, "propose", {"title": "Pending talk", "description": "p"}, user=erin)
    assert cb.ephemeral and "waits for an organiser" in cb.content, cb.content
    pending = session_id(cb.content)
    await fake.wait_until(lambda: len(fake.messages_in(proposals)) == 9, what="9 posts")
    assert not [m for m in fake.messages_in(proposals)
                if m["embeds"][0]["title"] == "Pending talk"]
    ix = await fake.slash("admin proposal approve", {"session": str(pending)}, user=fake.owner)
    cb = await fake.wait_for_response(ix.id)
    assert cb.ephemeral and "Pending talk" in cb.content
    title[pending], owner[pending] = "Pending talk", erin.id
    posts = await fake.wait_until(
        lambda: [m for m in fake.messages_in(proposals)
                 if m["embeds"][0]["title"] == "Pending talk" and m.get("thread")
                 and m["embeds"][0].get("fields")], what="approved post with its thread")
    assert posts[0]["embeds"][0]["fields"][0]["value"] == f"<#{posts[0]['thread']['id']}>"
    assert len(title) == 10  # 10 sessions for 3 slots × 3 rooms: one will be left out
    await fake.wait_until(lambda: sum(1 for m in fake.messages_in(proposals)
                                      if m.get("thread")) == 10, what="a thread per session")
    posted = {session_id(m["embeds"][0]["footer"]["text"]): m for m in fake.messages_in(proposals)}
    assert set(posted) == set(title)
    post = posted[live]
    assert post["embeds"][0]["title"] == "Live patching @everyone"
    assert [c["custom_id"] for c in post["components"][0]["components"]] == [
        f"interest:{live}:{lv}" for lv in (0, 25, 75, 100)]

    # ---- interest: by command (autocomplete), by button, and a button after a restart ------
    ix = await fake.autocomplete("interest", "session", "cp-", {"level": 100}, user=carol)
    assert (await fake.wait_for_response(ix.id)).choices == [
        {"name": "CP-SAT for fun", "value": str(cpsat)}]
    cb = await answer(fake, "interest", {"session": str(cpsat), "level": 100}, user=carol)
    assert cb.ephemeral and "**very**" in cb.content and "CP-SAT for fun" in cb.content
    press = await fake.click(f"interest:{live}:100", message=int(post["id"]), user=bob)
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and "**very**" in cb.content
    # dave wants everything (more than there are slots: clashes he must be told about)
    for sid in title:
        if owner[sid] != dave.id:
            level = 100 if sid == live else 75
            cb = await answer(fake, "interest", {"session": str(sid), "level": level}, user=dave)
            assert cb.ephemeral
    for who in (carol, erin, fake.owner):
        cb = await answer(fake, "interest", {"session": str(live), "level": 100}, user=who)
        if who is erin:  # the role by hand, never verified: told how to, and where the code is
            assert cb.content == ("Verify first: enter the event's code with /verify "
                                  "code:<code> (ask the organisers for the code)."), cb.content

    bot = await restart_bot(fake, bot, db, clock)
    press = await fake.click(f"interest:{cpsat}:75", message=int(posted[cpsat]["id"]), user=alice)
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and "**yes**" in cb.content
    interest = await bot.service.interest_levels(guild, SYSTEM)
    assert interest[cpsat][alice.id] == 75 and interest[live][bob.id] == 100

    # ---- /remind on -----------------------------------------------------------------------
    cb = await answer(fake, "remind on", {"minutes": 30}, user=carol)
    assert cb.ephemeral and "30 minutes before" in cb.content, cb.content

    # ---- the solve: a progress message edited into a preview with figures and explanations
    done = await run_schedule(fake, seconds=2)
    progress = [s for s in fake.responses(done.interaction_id)
                if s.content and "Scheduling" in s.content]
    assert progress and progress[0].content.startswith("Scheduling for up to 2s")
    assert done.ephemeral  # answers to organisers are private (docs/bot.md)
    preview = done.embeds[0]
    v1 = (await bot.service.schedule_versions(guild, SYSTEM))[-1]
    assert preview["title"] in (f"Schedule version #{v1.id} (proven best)",
                                f"Schedule version #{v1.id} (best found)")  # no solver words
    for name in ("Utility", "Of the bound", "Gain over the seed heuristic", "Sessions placed",
                 "Unplaced", "Rooms over capacity"):
        assert field(preview, name), name
    assert field(preview, "Utility") == f"{v1.utility:,}"
    assert len(v1.unplaced) == 1
    left_out = v1.unplaced[0].session_id
    assert field(preview, "Unplaced") == (
        "Every room is taken in every slot the scheduler may use: add a room (/admin room add) "
        "or a slot (/admin slot add), then run the scheduler again.\n"
        f"“{title[left_out]}” is not in the timetable: {v1.unplaced[0].reason}.")
    vtt = await bot.service.version_timetable(guild, SYSTEM, v1.id)
    crowded = [e for d in vtt.days for ps in d.slots for e in ps.entries
               if e.expected_attendance > CAPACITY[e.room_name]]
    assert any(e.session_id == live for e in crowded)  # 5 want it, no room holds 5
    text = field(preview, "Rooms over capacity")
    for e in crowded:
        assert f"“{e.title}”" in text and f"but {e.room_name} holds {CAPACITY[e.room_name]}" \
            in text
    assert "No room holds more: add a room for at least" in text  # not "a larger room"
    # the preview shows the version itself, privately: its picture and both days
    shown = fake.responses(done.interaction_id)
    assert any(s.message.get("attachments") for s in shown)
    assert sum(1 for s in shown for e in s.embeds  # each day's first embed: its date
               if re.match(r"\*\*<t:\d+:D>\*\*", e.get("description") or "")) == 2

    cb = await answer(fake, "schedule", user=alice)  # says what happens next, and where
    assert cb.ephemeral and cb.content == (
        "The schedule is not public yet: an organiser publishes it once it is ready, and it is "
        f"then posted in <#{announcements.id}>. /schedule shows it here from then on.")

    # ---- publish ---------------------------------------------------------------------------
    mark = len(fake.requests)
    reply = await publish(fake)
    lines = reply.content.split("\n")  # one line per thing publishing did
    assert reply.ephemeral and lines[0] == f"Published version #{v1.id}."
    assert f"Timetable in <#{announcements.id}>: 2 days posted." in lines
    where = placements(vtt)
    assert len(where) == 9
    assert f"Discord events: {len(where)} created" in reply.content, reply.content
    assert "Posted the timetable pictures: 2 pictures for 2 days." in reply.content
    days = day_messages(fake, announcements)
    assert [m["embeds"][0]["title"].split(" · ")[0] for m in days] == ["Day one", "Day two"]
    day_ids = [m["id"] for m in days]
    threads = await bot.threads.thread_ids(guild)
    day_text = json.dumps([m["embeds"] for m in days], ensure_ascii=False)
    for sid in where:  # the title links to the session's thread
        link = f"https://discord.com/channels/{guild}/{threads[sid]}"
        assert f"[{title[sid]}]({link})" in day_text
    assert "≈0" not in day_text  # nobody expected yet: nothing said rather than "≈0"
    assert "<t:" in day_text and "Coffee" in day_text and "Lunch" in day_text
    pictures = [m for m in fake.messages_in(announcements) if m["attachments"]]
    assert len(pictures) == 1 and len(pictures[0]["attachments"]) == 2  # one a day
    png = fake.file_bytes(pictures[0]["attachments"][0])
    assert png[:8] == PNG
    if os.environ.get("FULL_EVENT_DUMP"):
        with open(os.environ["FULL_EVENT_DUMP"] + ".png", "wb") as fh:
            fh.write(png)
    events = fake.guild.scheduled_events
    assert len(events) == len(where)
    by_name = {e["name"]: e for e in events.values()}
    for sid, (_, room_id) in where.items():
        ev = by_name[title[sid]]
        if room_id == room["Main hall"].id:
            assert ev["entity_type"] == 2 and ev["channel_id"] == str(voice.id)
        else:
            assert ev["entity_type"] == 3
            assert ev["entity_metadata"]["location"] in ("Workshop", "Garden")
    assert event_calls(fake, mark).count(("POST", "scheduled-events")) == len(where)
    plan = sorted(await bot.announcer.plan(guild), key=lambda p: p.at)
    assert [p.kind for p in plan] == ["agenda", "up-next", "up-next", "agenda", "up-next"]
    assert bot.announcer.pending_jobs() == sorted(p.job_id for p in plan)
    carol_jobs = [j for j in bot.reminders.pending_jobs() if j.startswith(f"{guild}:{carol.id}:")]
    assert carol_jobs  # carol wants sessions, and asked for reminders

    # ---- /schedule and /myschedule ---------------------------------------------------------
    cb = await answer(fake, "schedule", user=bob)
    assert cb.ephemeral and len(cb.embeds) == 2
    assert "★★" in json.dumps(cb.embeds, ensure_ascii=False)
    mine = json.dumps(cb.embeds, ensure_ascii=False)
    for sid in where:  # /schedule links the threads as the posted timetable does
        assert f"[{title[sid]}](https://discord.com/channels/{guild}/{threads[sid]})" in mine
    cb = await answer(fake, "myschedule", user=dave)
    assert cb.ephemeral and len(cb.files) == 1 and cb.files[0].filename == "my-schedule.ics"
    cal = Calendar.from_ical(cb.files[0].data)
    vevents = list(cal.walk("VEVENT"))
    wanted_slots = {slot for sid, (slot, _) in where.items()}
    assert len(vevents) == len(wanted_slots) == 3
    starts = {ps.slot.start: ps for d in vtt.days for ps in d.slots}
    for ev in vevents:
        ps = starts[ev.decoded("DTSTART")]
        assert str(ev["SUMMARY"]) in {e.title for e in ps.entries}
        assert ev.decoded("DTEND") == ps.slot.end
    clash = next(e for e in cb.embeds if e["title"].startswith("Clashes"))
    assert "Why:" in clash["description"] and "<t:" in clash["description"]
    assert "there are only 3 slots" in clash["description"]
    mine = cb.embeds[0]["description"]
    assert "Live patching @everyone" in mine  # dave rated it very

    # ---- an "up next" announcement and a reminder DM, fired through the injected clock ----
    agenda, up_next = plan[0], plan[1]
    clock.now = agenda.at - 0.3
    assert await bot.announcer.rebuild(guild) == []
    await fake.wait_until(lambda: len(fake.messages_in(announcements)) == 4, what="agenda")
    clock.now = up_next.at - 0.3
    assert await bot.announcer.rebuild(guild) == []
    posted_up_next = await fake.wait_until(
        lambda: [m for m in fake.messages_in(announcements)
                 if m["embeds"] and m["embeds"][0]["title"] == "Up next"], what="up next")
    first_slot = up_next.payload
    body = json.dumps(posted_up_next[0]["embeds"], ensure_ascii=False)
    assert f"<t:{int(first_slot.slot.start.timestamp())}:R>" in body
    for e in first_slot.entries:
        assert e.title in body and e.room_name in body
    reminders = sorted(await bot.reminders.plan(guild), key=lambda r: r.at)
    carols = [r for r in reminders if r.user_id == carol.id]
    clock.now = carols[0].at - 0.3
    await bot.reminders.rebuild(guild)
    got = await fake.wait_until(lambda: dms(fake, carol), what="carol's reminder")
    assert len(got) == 1 and f"**{carols[0].entry.title}**" in got[0]
    assert f"<t:{int(carols[0].slot.start.timestamp())}:R>" in got[0]
    clock.now = first_slot.slot.start.timestamp() - 15 * 60  # before the event starts

    # ---- interest changes; a re-run after publish previews the moves and what they buy ----
    by_slot: dict[int, list[int]] = {}
    for sid, (slot, _) in where.items():
        by_slot.setdefault(slot, []).append(sid)
    later = next(s for s in by_slot if s != first_slot.slot.id)
    x, y = [sid for sid in by_slot[later] if sid != live][:2]
    # latecomers: the organisers let them in without a code
    cb = await answer(fake, "admin code required", {"on": False}, user=fake.owner)
    assert cb.ephemeral and "off" in cb.content
    fans = [fake.add_member(f"fan{i}") for i in range(8)]
    fake.dms_closed.add(fans[-1].id)
    for fan in fans:
        for sid, level in ((x, 100), (y, 75)):
            cb = await answer(fake, "interest", {"session": str(sid), "level": level}, user=fan)
            assert cb.ephemeral and "is now" in cb.content, cb.content
    # rooms of 2 to 4 seats: when seats count, the fans beyond them gain nothing, and parting
    # x and y would gain less than its moves cost; the organisers let capacities be reported
    cb = await answer(fake, "admin schedule seats", {"on": False}, user=fake.owner)
    assert cb.ephemeral and "Seats count: off" in cb.content
    done = await run_schedule(fake, seconds=2)
    v2 = (await bot.service.schedule_versions(guild, SYSTEM))[-1]
    v2tt = await bot.service.version_timetable(guild, SYSTEM, v2.id)
    after = placements(v2tt)
    assert after[x][0] != after[y][0], "the re-run should separate the two wanted sessions"
    changed = sorted(s for s in title if where.get(s) != after.get(s))
    changes = done.embeds[1]
    assert changes["title"] == f"Changes against the published version #{v1.id}: {len(changed)}"
    assert len(changes["description"].split("\n")) == len(changed)
    # "Sessions moved" counts the same changes as the list, by kind
    summary = field(done.embeds[0], "Sessions moved")
    assert sum(int(n) for n in re.findall(r"(\d+) ", summary)) == len(changed), summary
    buys = field(done.embeds[0], "What the moves buy")
    gain = int(re.match(r"([+-][\d,]+)", buys)[1].replace(",", ""))
    assert gain > 0

    # ---- re-publish: messages edited, only changed events touched, one notice each --------
    mark, sent_before = len(fake.requests), len(fake.sent)
    event_of = {sid: m.event_id for sid, m in (await bot.mirror.store.mirrored(guild)).items()}
    reply = await publish(fake)
    assert reply.content.startswith(f"Published version #{v2.id}.\n")
    assert f"Timetable in <#{announcements.id}>: 2 days updated in place." in reply.content
    assert [m["id"] for m in day_messages(fake, announcements)] == day_ids  # edited in place
    new_posts = [s for s in fake.sent[sent_before:]
                 if s.kind == "create" and s.channel_id == announcements.id]
    assert new_posts == []
    moved_sessions = {s for s in changed if s in where and s in after}
    calls = event_calls(fake, mark)
    expected = ([("PATCH", str(event_of[s])) for s in moved_sessions]
                + [("DELETE", str(event_of[s])) for s in changed if s in where and s not in after]
                + [("POST", "scheduled-events") for s in changed if s not in where])
    assert sorted(calls) == sorted(expected), calls
    told: dict[int, set[int]] = {}
    interest = await bot.service.interest_levels(guild, SYSTEM)
    for sid in changed:
        if sid not in where:
            continue
        told.setdefault(owner[sid], set()).add(sid)
        for user, level in interest.get(sid, {}).items():
            if level >= 75:
                told.setdefault(user, set()).add(sid)
    everyone = {m.id: m for m in (fake.owner, alice, bob, carol, dave, erin, *fans)}
    for uid, member in everyone.items():
        notices = [t for t in dms(fake, member) if "timetable of Camp 2026 changed for" in t]
        if uid in told and uid != fans[-1].id:
            assert len(notices) == 1, (member.user.username, notices)
            for sid in told[uid]:
                assert f"“{title[sid]}”" in notices[0]
        else:
            assert notices == [], (member.user.username, notices)
    assert "1 with closed DMs" in reply.content, reply.content

    # ---- a restart at the end duplicates nothing ------------------------------------------
    sent_before, mark = len(fake.sent), len(fake.requests)
    n_events, n_dms = len(fake.guild.scheduled_events), {u: len(dms(fake, m))
                                                        for u, m in everyone.items()}
    bot = await restart_bot(fake, bot, db, clock)
    reply = await publish(fake)
    assert "moved" not in reply.content  # the same version again: nobody is told twice
    assert [m["id"] for m in day_messages(fake, announcements)] == day_ids
    assert [s for s in fake.sent[sent_before:] if s.kind == "create"] == []
    assert event_calls(fake, mark) == [] and len(fake.guild.scheduled_events) == n_events
    assert {u: len(dms(fake, m)) for u, m in everyone.items()} == n_dms
    assert not [r for r in fake.requests[mark:] if r.path.endswith("/threads")]
    assert len([m for m in fake.messages_in(announcements) if m["attachments"]]) == 1
    press = await fake.click(f"interest:{live}:25", message=int(post["id"]), user=alice)
    assert "**a little**" in (await fake.wait_for_response(press.id)).content

    assert_no_pings(fake)  # allowed_mentions on every message the bot sent, nobody pinged
