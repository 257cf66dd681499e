"""A small event in one guild of the stand-in, by its owner and member, for the tests where
guilds lie on different shards (tests/e2e/test_bot_shards.py, test_sharded_processes.py)."""

from __future__ import annotations

import re

from tests.e2e.bot_harness import (
    answer,
    answered,
    publish,
    reply_of,
    run_schedule,
    session_id,
)
from tests.e2e.fake_discord import Channel, FakeDiscord, SeededGuild, Upload

TITLES = ("Live patching", "Rust in anger", "CP-SAT for fun")


def shard_of(guild_id: int, count: int) -> int:
    """Discord's sharding formula (its Gateway documentation, Sharding)."""
    return (guild_id >> 22) % count


def on_other_shard(fake: FakeDiscord, count: int = 2) -> SeededGuild:
    """A second guild, on the shard after the first guild's."""
    return fake.add_guild("Second camp", shard=((shard_of(fake.guild.id, count) + 1) % count,
                                                count))


async def prepare_event(fake: FakeDiscord, at: SeededGuild, timezone: str) -> Channel:
    """Setup (the code read from the reply), the member verified, three proposals (two by
    the member), the member's interest in each: what comes before a timetable and a run.
    Returns the announcements channel."""
    proposals = fake.add_channel("proposals", guild=at.guild)
    announcements = fake.add_channel("announcements", guild=at.guild)
    ix = await fake.slash("admin setup", {"name": at.guild.name, "timezone": timezone,
                                          "proposals_channel": proposals,
                                          "announcements_channel": announcements},
                          user=at.owner)
    code = re.search(r"\|\|(\w+)\|\|", (await reply_of(fake, ix, "setup reply")).content)[1]
    cb = await answered(fake, "verify", {"code": code}, user=at.member)
    assert "verified" in cb.content, cb.content
    attendee = at.guild.role_by_name("Attendee")
    await fake.wait_until(lambda: attendee.id in at.member.roles, what="the attendee role")
    sessions = []
    for i, title in enumerate(TITLES):
        cb = await answer(fake, "propose", {"title": title, "description": "d"},
                          user=at.owner if i == 0 else at.member)
        assert "is public" in cb.content, cb.content
        sessions.append(session_id(cb.content))
    for sid, level in zip(sessions, (100, 25, 75), strict=True):
        cb = await answer(fake, "interest", {"session": str(sid), "level": level},
                          user=at.member)
        assert cb.ephemeral and "**" in cb.content, cb.content
    return announcements


async def schedule_event(fake: FakeDiscord, at: SeededGuild, timetable: bytes) -> None:
    """Import the timetable, run the solver, publish."""
    cb = await answered(fake, "admin timetable import",
                        {"file": Upload("timetable.toml", timetable)}, user=at.owner)
    assert "Imported" in cb.content, cb.content
    preview = await run_schedule(fake, owner=at.owner)
    assert preview.embeds, preview.content
    reply = await publish(fake, owner=at.owner)
    assert "Published" in reply.content, reply.content


def announcements_in(fake: FakeDiscord, channel: Channel) -> list[str]:
    """The titles of the agendas and "up next" posts in a channel, in order."""
    return [m["embeds"][0]["title"] for m in fake.messages_in(channel)
            if m["embeds"] and m["embeds"][0]["title"].startswith(("Up next", "Today"))]
