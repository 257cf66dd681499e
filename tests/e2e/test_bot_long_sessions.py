"""A session of two slots, a track, a pair kept apart, an attendee's availability and a co-host,
set with the real commands through the stand-in, then a run, the private preview, publishing
and what attendees read: the posted days, the picture's description, /schedule, /myschedule
and its calendar file show the long session over both its slots, in one room."""

from __future__ import annotations

import re
import time

from bot.event.models import SYSTEM
from tests.bot.conftest import solving
from tests.e2e.bot_harness import answer, make_bot, publish, run_schedule
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.personal_harness import open_event, propose, rate
from tests.e2e.test_bot_calendar import vevents
from tests.e2e.test_bot_event import assert_no_pings


async def _choices(fake: FakeDiscord, command: str, option: str, typed: str, options=None,
                   user=None) -> list[dict]:
    ix = await fake.autocomplete(command, option, typed, options or {}, user=user or fake.owner)
    return (await fake.wait_for_response(ix.id)).choices


async def test_a_long_session_from_the_commands_to_the_published_messages(
        fake_discord: FakeDiscord, database: str, beside) -> None:
    """On each engine (on PostgreSQL with a solve worker, as deployed)."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, database))
    await beside.enter_async_context(solving(bot.service.db, time.time))
    _, announcements = await open_event(fake)
    guild = fake.guild.id
    host, cohost, dave, a, b = (fake.add_member(n) for n in ("host", "cohost", "dave", "a", "b"))
    ids = {"workshop": await propose(fake, "Workshop", host),
           "cohost": await propose(fake, "Co-host talk", cohost),
           "sec1": await propose(fake, "Security one", a),
           "sec2": await propose(fake, "Security two", b),
           "pair1": await propose(fake, "Pair one", a),
           "pair2": await propose(fake, "Pair two", b),
           "dave": await propose(fake, "For Dave", fake.member)}

    # the commands: co-host (by the proposer), length, track, pin, pair, availability
    cb = await answer(fake, "session cohosts", {"session": str(ids["workshop"]), "add": cohost},
                      user=host)
    assert f"<@{cohost.id}>" in cb.content, cb.content
    cb = await answer(fake, "admin session length", {"session": str(ids["workshop"]),
                                                     "slots": 2}, user=fake.owner)
    assert "takes 2 slots" in cb.content
    for key in ("sec1", "sec2"):
        cb = await answer(fake, "admin session track", {"session": str(ids[key]),
                                                        "track": "Security"}, user=fake.owner)
        assert "track **Security**" in cb.content
    cb = await answer(fake, "admin session not-in-parallel",
                      {"session": str(ids["pair1"]), "other": str(ids["pair2"])},
                      user=fake.owner)
    assert "never run at the same time" in cb.content
    slots = await _choices(fake, "admin session pin", "slot", "",
                           {"session": str(ids["workshop"])})
    monday_first, monday_second = slots[0], slots[1]  # 09:30 and 10:30, then coffee
    cb = await answer(fake, "admin session pin", {"session": str(ids["workshop"]),
                                                  "slot": monday_second["value"]},
                      user=fake.owner)
    assert "consecutive slots" in cb.content and cb.ephemeral  # no room for two slots there
    cb = await answer(fake, "admin session pin", {"session": str(ids["workshop"]),
                                                  "slot": monday_first["value"]},
                      user=fake.owner)
    assert "is pinned to slot" in cb.content, cb.content
    days = await _choices(fake, "availability", "days", "tue", user=dave)
    cb = await answer(fake, "availability", {"days": days[0]["value"]}, user=dave)
    assert cb.content.startswith("Saved."), cb.content
    await rate(fake, ids["dave"], 100, dave)
    for who in (dave, a, b, fake.member):
        await rate(fake, ids["workshop"], 100, who)
        await rate(fake, ids["cohost"], 75, who)

    # the run and its private preview: the workshop over both slots
    done = await run_schedule(fake)
    sent = fake.responses(done.interaction_id)
    preview = str([e for s in sent for e in s.embeds if e.get("title") == "Monday"])
    # the titles link to their threads: "↳ [Workshop](https://…) (continued, until <t:…>)"
    assert re.search(r"↳ \[Workshop\]\([^)]+\) \(continued, until <t:", preview), preview
    tt = await bot.service.version_timetable(guild, SYSTEM, int(
        done.embeds[0]["title"].split("#")[1].split(" ")[0]))
    where: dict[int, tuple[list[int], set[int]]] = {}
    for d in tt.days:
        for ps in d.slots:
            for e in ps.held:
                where.setdefault(e.session_id, ([], set()))[0].append(ps.slot.id)
                where[e.session_id][1].add(e.room_id)
    run, rooms = where[ids["workshop"]]
    assert [str(x) for x in run] == [str(monday_first["value"]), str(monday_second["value"])]
    assert len(rooms) == 1
    assert not set(where[ids["cohost"]][0]) & set(run)  # its co-host is busy meanwhile
    assert not set(where[ids["sec1"]][0]) & set(where[ids["sec2"]][0])
    assert not set(where[ids["pair1"]][0]) & set(where[ids["pair2"]][0])
    tuesday = {ps.slot.id for ps in tt.days[1].slots}
    assert set(where[ids["dave"]][0]) <= tuesday  # where Dave is

    # published: the day's message shows it from 09:30 to 11:15, and its room taken at 10:30
    await publish(fake)
    monday = next(ps for ps in tt.days[0].slots if ps.slot.id == run[0])
    second = next(ps for ps in tt.days[0].slots if ps.slot.id == run[1])
    start, end = int(monday.slot.start.timestamp()), int(second.slot.end.timestamp())
    posted = [m for m in fake.messages_in(announcements) if m["embeds"]]
    fields = {f["name"]: f["value"] for m in posted for e in m["embeds"]
              for f in e.get("fields", [])}
    first_field = next(v for k, v in fields.items() if k.startswith(f"<t:{start}:t>"))
    assert "Workshop" in first_field and f"<t:{start}:t>–<t:{end}:t>" in first_field
    second_field = next(v for k, v in fields.items()
                        if k.startswith(f"<t:{int(second.slot.start.timestamp())}:t>"))
    assert re.search(rf"↳ \[Workshop\]\([^)]+\) \(continued, until <t:{end}:t>\)",
                     second_field), second_field
    # the picture's description says it too
    pictures = [att for m in fake.messages_in(announcements) for att in m.get("attachments", ())]
    alt = " ".join(att.get("description", "") for att in pictures)
    assert "Workshop, 09:30–11:15." in alt and "Workshop goes on, until 11:15." in alt

    # /myschedule: where the host is, in both slots; one calendar event to 11:15
    cb = await answer(fake, "myschedule", user=host)
    text = cb.embeds[0]["description"]
    assert "**Workshop** in " in text and f"(until <t:{end}:t>)" in text
    assert "↳ **Workshop** goes on in" in text
    (ev,) = [ev for ev in vevents(cb.files[0].data) if str(ev["SUMMARY"]) == "Workshop"]
    assert ev.decoded("DTSTART") == monday.slot.start and ev.decoded("DTEND") == second.slot.end
    # the co-host's too
    cb = await answer(fake, "myschedule", user=cohost)
    assert "↳ **Workshop** goes on in" in cb.embeds[0]["description"]
    assert_no_pings(fake)
