"""The timetable as pictures: a publish step that posts one PNG per day (a day taller than a
phone screen in more) in the announcements channel, ten to a message (Discord's limit), each
with the day in words as its description for screen readers. Re-publishing edits those
messages in order with the new attachments (replacing the old) and deletes the ones no longer
needed. The organiser's preview shows a version's pictures the same way, privately."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.discord.errors import NO_MENTIONS, Refused
from bot.discord.languages import language_for
from bot.event.models import Publication, PublishedTimetable, RoomView
from bot.i18n import ENGLISH, N_, NP_, Language, Message
from bot.render.timetable_png import TimetablePicture, render_timetable

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

PICTURE = "timetable-picture"
KEY = "all"  # the first message's key; the next ones "all:2", "all:3"…
MAX_FILES = 10  # Discord: attachments per message
DESCRIPTION = 1024  # Discord: an attachment's description


def filename(p: TimetablePicture) -> str:
    if p.day is None:
        return "timetable.png"
    part = f"-{p.part}" if p.parts > 1 else ""
    return f"timetable-{p.day.isoformat()}{part}.png"


class TimetablePictures:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot
        self._lock = asyncio.Lock()

    @staticmethod
    async def draw(timetable: PublishedTimetable, event_name: str,
                   rooms: Sequence[RoomView], t: Language = ENGLISH) -> list[TimetablePicture]:
        """A version's timetable drawn off the event loop (Pillow holds the GIL little), its
        words in `t` (the server's language: everyone reads it)."""
        return await asyncio.to_thread(render_timetable, timetable, event_name=event_name,
                                       rooms=rooms, t=t)

    @staticmethod
    def files(pictures: list[TimetablePicture]) -> list[list[discord.File]]:
        """The pictures as attachments, in day order, grouped ten to a message."""
        found = [discord.File(io.BytesIO(p.png), filename=filename(p),
                              description=p.alt[:DESCRIPTION]) for p in pictures]
        return [found[i:i + MAX_FILES] for i in range(0, len(found), MAX_FILES)]

    async def step(self, done: Publication) -> Message | None:
        async with self._lock:
            return await self._post(done)

    async def _post(self, done: Publication) -> Message | None:
        guild_id = done.guild_id
        channel = self.bot.text_channel(done.guild_id, done.settings.announcements_channel_id)
        if channel is None:
            return None
        t = language_for(self.bot.get_guild(guild_id))
        pictures = await self.draw(done.timetable, done.settings.name, done.rooms, t)
        groups = self.files(pictures)
        days = len({p.day for p in pictures})
        before = await self.bot.posting.posted_messages(guild_id, PICTURE)
        reusable = [before[k][1] for k in _keys(len(before)) if k in before
                    and before[k][0] == channel.id]
        after: dict[str, tuple[int, int]] = {}
        replaced = 0
        for i, (key, files) in enumerate(zip(_keys(len(groups)), groups, strict=True), 1):
            content = t.gettext("The timetable as pictures, one a day (version #{version}).",
                                version=done.version.id)
            if len(groups) > 1:
                content += " " + t.gettext("Part {part} of {parts}.", part=i, parts=len(groups))
            while reusable:
                mid = reusable.pop(0)
                try:
                    await channel.get_partial_message(mid).edit(
                        content=content, attachments=files, allowed_mentions=NO_MENTIONS)
                except discord.NotFound:
                    for f in files:
                        f.reset()
                    continue
                after[key] = (channel.id, mid)
                replaced += 1
                break
            else:
                try:
                    msg = await channel.send(content, files=files, allowed_mentions=NO_MENTIONS)
                except discord.Forbidden:
                    mention = f"<#{channel.id}>"
                    await self.bot.posting.set_posted_messages(guild_id, PICTURE, after)
                    raise Refused(N_("I cannot post the timetable pictures in {channel}: give "
                                     "me Attach Files there, then publish again.",
                                     channel=mention)) from None
                after[key] = (channel.id, msg.id)
        for mid in reusable:  # messages no longer needed
            with contextlib.suppress(discord.HTTPException):
                await channel.get_partial_message(mid).delete()
        await self.bot.posting.set_posted_messages(guild_id, PICTURE, after)
        days_text = NP_("{n} day", "{n} days", days)
        if replaced == len(groups):
            return NP_("Replaced the timetable pictures: {n} picture for {days}.",
                       "Replaced the timetable pictures: {n} pictures for {days}.",
                       len(pictures), days=days_text)
        return NP_("Posted the timetable pictures: {n} picture for {days}.",
                   "Posted the timetable pictures: {n} pictures for {days}.", len(pictures),
                   days=days_text)


def _keys(n: int) -> list[str]:
    return [KEY if i == 1 else f"{KEY}:{i}" for i in range(1, n + 1)]
