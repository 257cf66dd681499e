"""Building the real bot against the stand-in, and driving a small event through it."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.discord.bot import SchedulerBot
from bot.event import EventService
from bot.event.models import Actor
from tests.e2e.fake_discord import FakeDiscord, InteractionRecord, Sent

CODE = "ABCD2345"
EXAMPLE_TOML = Path(__file__).resolve().parents[2] / "data" / "examples" / "timetable.toml"


class Clock:
    """A clock the tests set by hand (epoch seconds); the announcer reads it."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


async def make_bot(fake: FakeDiscord, db: str | Path, clock: Clock | None = None,
                   **settings: Any) -> SchedulerBot:
    """The same object `session-scheduler run` builds, on a temporary database (opened here;
    closing the bot closes it).

    Without a clock the bot lives in today's real time while the example timetables are
    fixed dates, so re-runs would find every slot past and frozen: such tests run without
    the freeze window unless they ask for one (tests/e2e/test_full_event.py does, with a clock).
    """
    if clock is None:
        settings.setdefault("freeze_minutes_before", None)
    config = load_settings(None, env={}, token="unused", database=db,
                           guild_ids=[fake.guild.id], **settings)
    now = clock or time.time
    service = await EventService.open(db, clock=now, code_factory=lambda: CODE)
    return SchedulerBot(config, service, clock=now, guild_ready_timeout=0.05)


def session_id(text: str) -> int:
    """The session number in a reply or an embed footer ("… (#12) …")."""
    return int(re.search(r"#(\d+)", text)[1])


def actor(member, admin: bool = False) -> Actor:
    """A stand-in member (or the owner) as the rules API sees them."""
    return Actor(user_id=member.id, is_admin=admin)


async def my_level(bot: SchedulerBot, fake: FakeDiscord, member, sid: int) -> int:
    """The interest level `member` has committed for session `sid`, read afresh."""
    sessions = await bot.service.list_sessions(fake.guild.id, actor(member))
    return {s.id: s.my_level for s in sessions}[sid]


async def answer(fake: FakeDiscord, command: str, options: dict | None = None, **kw: Any):
    """Run a slash command and return the bot's callback."""
    ix = await fake.slash(command, options, **kw)
    return await fake.wait_for_response(ix.id)


async def wait_for_post(fake: FakeDiscord, sid: int) -> dict:
    """The session's post with its interest buttons, once it is in the channel. The bot answers
    /propose first and posts after, so a test that pressed straight away could press a button
    no one has been shown yet."""
    return await fake.wait_until(lambda: fake.message_showing(f"interest:{sid}:0"),
                                 what=f"session {sid}'s post")


async def answered(fake: FakeDiscord, command: str, options: dict | None = None, **kw: Any
                   ) -> Sent:
    """Run a slash command and return its reply with content, also when the bot deferred
    first (a command that may take a while)."""
    return await reply_of(fake, await fake.slash(command, options, **kw), command)


async def reply_of(fake: FakeDiscord, ix: InteractionRecord, what: str = "reply",
                   timeout: float = 30) -> Sent:
    """The last message with content among an interaction's responses (after a defer, the
    edited one)."""
    done = await fake.wait_until(lambda: [s for s in fake.responses(ix.id) if s.content],
                                 what=what, timeout=timeout)
    return done[-1]


async def run_schedule(fake: FakeDiscord, seconds: int = 1) -> Sent:
    """/admin schedule run, answered by a private defer (the solve takes time); the preview's
    figures (content, embeds, attachments: the progress message as it ended), once the whole
    preview is in (the picture, the timetable, a closing line). Its `interaction_id` leads to
    the progress edits and the rest. Everything it shows is private to the organiser."""
    ix = await fake.slash("admin schedule run", {"seconds": seconds}, user=fake.owner)
    deferred = await fake.wait_for_response(ix.id)
    assert deferred.type == 5 and deferred.ephemeral
    return await preview_of(fake, ix)


async def preview_of(fake: FakeDiscord, ix: InteractionRecord) -> Sent:
    """The figures of a private preview (/admin schedule run or preview), once it is all sent."""
    await fake.wait_until(lambda: [s for s in fake.responses(ix.id)
                                   if (s.content or "").startswith("End of")],
                          timeout=60, what="the end of the preview")
    assert all(s.ephemeral for s in fake.responses(ix.id))
    return [s for s in fake.responses(ix.id)
            if s.embeds and s.embeds[0].get("title", "").startswith("Schedule version #")][-1]


async def publish(fake: FakeDiscord) -> Sent:
    """/admin schedule publish; the organiser's reply (one line per thing publishing did)."""
    ix = await fake.slash("admin schedule publish", user=fake.owner)
    return await reply_of(fake, ix, "publish reply")


def field(embed: dict, name: str) -> str:
    """The value of an embed's field, by name."""
    return next(f["value"] for f in embed["fields"] if f["name"] == name)


def event_calls(fake: FakeDiscord, since: int = 0) -> list[tuple[str, str]]:
    """(method, last path part) of the bot's scheduled-event requests from `since` on."""
    return [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests[since:]
            if "/scheduled-events" in r.path]


async def restart_bot(fake: FakeDiscord, bot: SchedulerBot, db: str | Path,
                      clock: Clock | None = None) -> SchedulerBot:
    """Stop `bot` and start the same bot on the same database (a process restart: the old
    one has closed the database first), once its timed jobs (the announcements and the
    reminders) are armed again."""
    await fake.disconnect(bot)
    bot = await fake.connect(await make_bot(fake, db, clock))
    await asyncio.wait_for(bot.announcer.started.wait(), 5)
    await asyncio.wait_for(bot.reminders.started.wait(), 5)
    return bot
