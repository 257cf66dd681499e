"""Calendar files and clash explanations: /myschedule attaches the caller's itinerary as .ics
and says which of their wanted sessions clash and why; /admin export-calendar attaches the whole
published timetable."""

from __future__ import annotations

from icalendar import Calendar

from bot.event.models import SYSTEM
from tests.e2e.bot_harness import answer, make_bot, publish, run_schedule, session_id
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.personal_harness import open_event, propose, rate


def vevents(data: bytes) -> list:
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    return list(cal.walk("VEVENT"))


async def test_myschedule_calendar_and_clashes(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "c.sqlite"))
    await open_event(fake)
    guild = fake.guild.id
    p1, p2, p3, p4, x = (fake.add_member(n) for n in ("p1", "p2", "p3", "p4", "x"))
    titles = {}
    for who, names in ((p1, "ABC"), (p2, "DE"), (p3, "FG"), (p4, "HI")):
        for n in names:
            titles[await propose(fake, f"Talk {n}", who)] = f"Talk {n}"
    talk_a = next(s for s, t in titles.items() if t == "Talk A")
    for sid in titles:  # x wants all nine: 7 slots, so some must clash
        await rate(fake, sid, 100 if sid == talk_a else 75, x)
    await run_schedule(fake)
    await publish(fake)
    tt = await bot.service.published_timetable(guild, SYSTEM)
    slots = [ps for d in tt.days for ps in d.slots if ps.entries]

    cb = await answer(fake, "myschedule", user=x)
    assert cb.ephemeral and len(cb.files) == 1 and cb.files[0].filename.endswith(".ics")
    events = vevents(cb.files[0].data)
    # one event per slot holding sessions x wants, at that slot's time, for one of them
    assert len(events) == len(slots)
    by_start = {ps.slot.start: ps for ps in slots}
    for ev in events:
        ps = by_start[ev.decoded("DTSTART")]
        assert str(ev["SUMMARY"]) in {e.title for e in ps.entries}
        assert ev.decoded("DTEND") == ps.slot.end
        if any(e.session_id == talk_a for e in ps.entries):
            assert str(ev["SUMMARY"]) == "Talk A"  # rated very, the others yes
    assert len({str(ev["UID"]) for ev in events}) == len(events)

    # the clashes: every slot with two or more wanted sessions, named, with the reason
    clash_embed = next(e for e in cb.embeds if e["title"].startswith("Clashes"))
    crowded = [ps for ps in slots if len(ps.entries) > 1]
    assert crowded
    text = clash_embed["description"]
    for ps in crowded:
        for e in ps.entries:
            assert f"“{e.title}”" in text
        assert f"<t:{int(ps.slot.start.timestamp())}:f>" in text
    assert text.count("Why:") == len(crowded)
    assert "you want 9 sessions and there are only 7 slots" in text

    # someone without clashes gets no clash embed
    cb = await answer(fake, "myschedule", user=p4)
    assert not [e for e in cb.embeds if e["title"].startswith("Clashes")]
    assert len(vevents(cb.files[0].data)) == 2  # p4 presents two sessions

    # organisers export the whole timetable
    cb = await answer(fake, "admin export-calendar", user=fake.owner)
    assert cb.ephemeral and cb.files[0].filename == f"timetable-v{tt.version_id}.ics"
    events = vevents(cb.files[0].data)
    placed = {e.title: (ps.slot, e.room_name) for ps in slots for e in ps.entries}
    assert sorted(str(ev["SUMMARY"]) for ev in events) == sorted(placed) == sorted(
        titles.values())
    for ev in events:
        slot, room = placed[str(ev["SUMMARY"])]
        assert ev.decoded("DTSTART") == slot.start and str(ev["LOCATION"]) == room
        assert "About Talk" in str(ev["DESCRIPTION"])
    cb = await answer(fake, "admin export-calendar", user=x,  # members may not
                      bypass_permissions=True)
    assert not cb.files and "Only organisers" in cb.content


async def test_calendar_names_people_links_threads_and_cancels_what_left(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """The .ics of /myschedule: a mention in a description is the person's name, each event
    links to its session's thread, and a withdrawn session comes back CANCELLED (same UID)."""
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "c.sqlite"))
    await open_event(fake)
    guild = fake.guild.id
    host, fan = fake.add_member("host"), fake.add_member("Xavier")
    await rate(fake, await propose(fake, "Warm-up", host), 25, fan)  # the bot sees Xavier
    cb = await answer(fake, "propose", {"title": "Pairing",
                                        "description": f"Pair with <@{fan.user.id}> in <#1>."},
                      user=host)
    pairing = session_id(cb.content)
    other = await propose(fake, "Kernel hacking", host)
    for sid in (pairing, other):
        await rate(fake, sid, 100, fan)
    await run_schedule(fake)
    await publish(fake)
    threads = await bot.threads.thread_ids(guild)
    assert pairing in threads and other in threads

    cb = await answer(fake, "myschedule", user=fan)
    events = {str(ev["SUMMARY"]): ev for ev in vevents(cb.files[0].data)}
    assert {"Pairing", "Kernel hacking"} <= set(events)
    text = cb.files[0].data.decode()
    assert "<@" not in text and "<#" not in text
    pair = events["Pairing"]
    assert str(pair["DESCRIPTION"]).startswith("Pair with @Xavier in https://discord.com/")
    for title, sid in (("Pairing", pairing), ("Kernel hacking", other)):
        url = f"https://discord.com/channels/{guild}/{threads[sid]}"
        assert str(events[title]["URL"]) == url and url in str(events[title]["DESCRIPTION"])
        assert str(events[title]["STATUS"]) == "CONFIRMED"

    cb = await answer(fake, "withdraw", {"session": str(other)}, user=host)
    assert "Withdrew" in cb.content, cb.content
    cb = await answer(fake, "myschedule", user=fan)
    after = {str(ev["UID"]): ev for ev in vevents(cb.files[0].data)}
    gone = after[str(events["Kernel hacking"]["UID"])]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert gone.decoded("DTSTART") == events["Kernel hacking"].decoded("DTSTART")
    assert str(after[str(pair["UID"])]["STATUS"]) == "CONFIRMED"
