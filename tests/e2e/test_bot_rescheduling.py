"""Stable re-scheduling and explanations: the preview explains unplaced sessions and rooms over
capacity; a run after publishing lists every move against the published version and what the
moves buy; publishing it tells each affected person once, by one DM listing all their
sessions (closed DMs recorded, nothing resent on a retry or after a restart)."""

from __future__ import annotations

import asyncio
import re

from bot.event.models import SYSTEM, Publication
from tests.e2e.bot_harness import (
    answered,
    field,
    make_bot,
    publish,
    restart_bot,
    run_schedule,
)
from tests.e2e.fake_discord import FakeDiscord, Upload
from tests.e2e.personal_harness import (
    dm_attempts,
    dms,
    open_event,
    placements,
    propose,
    rate,
)
from tests.e2e.test_bot_event import assert_no_pings

SMALL = b"""
timezone = "Europe/Brussels"

[[rooms]]
name = "Big"
capacity = 2

[[rooms]]
name = "Tiny"
capacity = 1

[[days]]
date = 2026-07-06
slots = [
  { start = "09:30", end = "10:15" },
  { start = "10:30", end = "11:15" },
  { start = "11:30", end = "12:15" },
]
"""
CAPACITY = {"Big": 2, "Tiny": 1}


def utility(tt, interest: dict[int, dict[int, int]]) -> int:
    """Σ over people and slots of their highest level there (the engine's objective)."""
    slot = {sid: s for sid, (s, _) in placements(tt).items()}
    best: dict[tuple[int, int], int] = {}
    for sid, levels in interest.items():
        if sid in slot:
            for user, level in levels.items():
                key = (user, slot[sid])
                best[key] = max(best.get(key, 0), level)
    return sum(best.values())


async def test_reschedule_preview_moves_and_one_notice_each(fake_discord: FakeDiscord,
                                                            tmp_path) -> None:
    fake = fake_discord
    db = tmp_path / "s.sqlite"
    bot = await fake.connect(await make_bot(fake, db))
    await open_event(fake)
    cb = await answered(fake, "admin timetable import",
                      {"file": Upload("small.toml", SMALL), "force": True}, user=fake.owner)
    assert "Imported 1 day, 3 slots and 2 rooms." in cb.content, cb.content
    # Rooms of 1 and 2 seats: with seats counting, separating two wanted sessions would gain
    # less than the moves cost. This test is about moves and notices: capacities only reported.
    cb = await answered(fake, "admin schedule seats", {"on": False}, user=fake.owner)
    assert "Seats count: off" in cb.content
    guild = fake.guild.id
    u1, u2, u3, u4 = (fake.add_member(f"u{i}") for i in range(1, 5))
    people = {m.id: m for m in (fake.owner, u1, u2, u3, u4)}
    title, owner = {}, {}
    for who, names in ((u1, "AB"), (u2, "CD"), (u3, "EF"), (u4, "G")):
        for n in names:
            sid = await propose(fake, f"Talk {n}", who)
            title[sid], owner[sid] = f"Talk {n}", who.id
    talk_a = next(s for s, t in title.items() if t == "Talk A")
    for who in (fake.owner, u2, u3):
        await rate(fake, talk_a, 100, who)

    # first run: 7 sessions for 6 places, and Talk A draws more people than any room holds
    done = await run_schedule(fake)
    v1 = (await bot.service.schedule_versions(guild, SYSTEM))[-1]
    preview = done.embeds[0]
    assert len(v1.unplaced) == 1
    left_out = title[v1.unplaced[0].session_id]
    # what to do first (every place is taken), then the session with the engine's reason
    assert field(preview, "Unplaced") == (
        "Every room is taken in every slot the scheduler may use: add a room (/admin room add) "
        "or a slot (/admin slot add), then run the scheduler again.\n"
        f"“{left_out}” is not in the timetable: {v1.unplaced[0].reason}.")
    assert "more sessions than slot×room places" in field(preview, "Unplaced")
    vtt = await bot.service.version_timetable(guild, SYSTEM, v1.id)
    crowded = [e for d in vtt.days for ps in d.slots for e in ps.entries
               if e.expected_attendance > CAPACITY[e.room_name]]
    assert any(e.session_id == talk_a for e in crowded)
    text = field(preview, "Rooms over capacity")
    # each with something to do: never a larger room for one already in the largest
    assert text.count("then run the scheduler again") + text.count(
        "run the scheduler again to") == len(crowded)
    largest = max(CAPACITY.values())
    assert all("larger" not in line for line in text.split("\n")
               if f"holds {largest}." in line)
    for e in crowded:
        assert (f"“{e.title}”" in text and f"expects about {e.expected_attendance} people, "
                f"but {e.room_name} holds {CAPACITY[e.room_name]}") in text
    assert "What the moves buy" not in str(preview) and len(done.embeds) == 1
    reply = (await publish(fake)).content
    assert "moved" not in reply  # a first publish tells nobody anything
    first = placements(vtt)

    # interest changes: eight newcomers want two sessions that share a slot
    slot_of = {}
    for sid, (slot, _) in first.items():
        slot_of.setdefault(slot, []).append(sid)
    x, y = next(pair for pair in slot_of.values() if len(pair) == 2)
    fans = [fake.add_member(f"fan{i}") for i in range(8)]
    lukewarm = fake.add_member("lukewarm")
    people.update({m.id: m for m in (*fans, lukewarm)})
    for fan in fans:
        await rate(fake, x, 100, fan)
        await rate(fake, y, 75, fan)
    await rate(fake, x, 25, lukewarm)  # "a little" is not told
    closed = fans[-1]
    fake.dms_closed.add(closed.id)

    done = await run_schedule(fake)
    v2 = (await bot.service.schedule_versions(guild, SYSTEM))[-1]
    second = placements(await bot.service.version_timetable(guild, SYSTEM, v2.id))
    changed = [s for s in title if first.get(s) != second.get(s)]
    moved = [s for s in changed if s in first]  # placed before: people to tell
    assert moved
    assert second[x][0] != second[y][0], "the re-run should separate the two wanted sessions"
    changes = done.embeds[1]
    assert changes["title"] == (f"Changes against the published version #{v1.id}: "
                                f"{len(changed)}")
    lines = changes["description"].split("\n")
    assert len(lines) == len(changed)
    for sid in changed:
        [line] = [ln for ln in lines if f"“{title[sid]}”" in ln]
        if sid in first and sid in second and first[sid][0] != second[sid][0]:
            assert "moved from" in line and line.count("<t:") == 2
    interest = await bot.service.interest_levels(guild, SYSTEM)
    kept = utility(vtt, interest)
    gain = v2.utility - kept
    assert gain > 0
    assert field(done.embeds[0], "What the moves buy").startswith(
        f"{gain:+,} utility: {v2.utility:,} against {kept:,} for keeping version #{v1.id}")

    # publish: one DM per affected person, listing all their moved sessions
    reply = (await publish(fake)).content
    told: dict[int, set[int]] = {}
    for sid in moved:
        told.setdefault(owner[sid], set()).add(sid)
        for user, level in interest.get(sid, {}).items():
            if level >= 75:
                told.setdefault(user, set()).add(sid)
    assert closed.id in told and lukewarm.id not in told
    reached = {u: s for u, s in told.items() if u != closed.id}
    assert f"told {len(reached)} people by direct message (1 with closed DMs" in reply, reply
    for uid, member in people.items():
        got = dms(fake, member)
        if uid in reached:
            assert len(got) == 1, (member.user.username, got)
            named = {sid for sid in title if f"“{title[sid]}”" in got[0]}
            assert named == reached[uid], (member.user.username, got[0])
            assert re.search(r"changed for \d+ sessions? you care about", got[0])
        else:
            assert got == [], (member.user.username, got)
    assert dm_attempts(fake, closed) == 1
    assert await bot.personal.dms_closed(guild, closed.id)

    # publishing the same version again, or retrying the step after a restart, resends nothing
    attempts = len(fake.requests)
    reply = (await publish(fake)).content
    assert "moved" not in reply
    bot = await restart_bot(fake, bot, db)
    await asyncio.sleep(0)
    version = next(v for v in await bot.service.schedule_versions(guild, SYSTEM)
                   if v.id == v2.id)
    retried = Publication(guild, version, v1.id, await bot.service.settings(guild, SYSTEM),
                          await bot.service.published_timetable(guild, SYSTEM),
                          (await bot.service.timetable(guild, SYSTEM)).rooms,
                          await bot.service.version_timetable(guild, SYSTEM, v1.id))
    line = await bot.notices.tell_moves(retried)
    assert "told 0 people" in str(line)  # the organiser's line, a Message
    for uid, member in people.items():
        assert len(dms(fake, member)) == (1 if uid in reached else 0)
    dm_paths = {f"/channels/{fake.state.dm_channel(m.user).id}/messages"
                for m in people.values()}
    dm_posts = [r for r in fake.requests[attempts:]
                if r.method == "POST" and any(r.path.endswith(p) for p in dm_paths)]
    assert dm_posts == []
    assert_no_pings(fake)
