"""The timetable as a picture: a publish step that posts the PNG(s) in the announcements
channel, in one message that re-publishing edits with the new attachment (replacing the old);
the organiser's preview shows a version's picture the same way, privately."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.discord.errors import NO_MENTIONS, Refused
from bot.event.models import Publication, PublishedTimetable, RoomView
from bot.render.timetable_png import TimetablePicture, render_timetable

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

PICTURE = "timetable-picture"
KEY = "all"
MAX_FILES = 10  # Discord: attachments per message


class TimetablePictures:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot
        self._lock = asyncio.Lock()

    @staticmethod
    async def draw(timetable: PublishedTimetable, event_name: str,
                   rooms: Sequence[RoomView]) -> list[TimetablePicture]:
        """A version's timetable drawn off the event loop (Pillow holds the GIL little)."""
        return await asyncio.to_thread(render_timetable, timetable, event_name=event_name,
                                       rooms=rooms)

    @staticmethod
    def files(pictures: list[TimetablePicture]) -> list[discord.File]:
        many = len(pictures) > 1
        return [discord.File(io.BytesIO(p.png),
                             filename=f"timetable-{i + 1}.png" if many else "timetable.png",
                             description="The timetable: days as columns, rooms as lanes")
                for i, p in enumerate(pictures[:MAX_FILES])]

    async def step(self, done: Publication) -> str | None:
        async with self._lock:
            return await self._post(done)

    async def _post(self, done: Publication) -> str | None:
        guild_id = done.guild_id
        channel = self.bot.text_channel(done.guild_id, done.settings.announcements_channel_id)
        if channel is None:
            return None
        files = self.files(await self.draw(done.timetable, done.settings.name, done.rooms))
        content = f"The timetable as a picture (version #{done.version.id})."
        old = (await self.bot.posting.posted_messages(guild_id, PICTURE)).get(KEY)
        if old is not None and old[0] == channel.id:
            try:
                await channel.get_partial_message(old[1]).edit(
                    content=content, attachments=files, allowed_mentions=NO_MENTIONS)
                return "Replaced the timetable picture."
            except discord.NotFound:
                for f in files:
                    f.reset()
        try:
            msg = await channel.send(content, files=files, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden:
            raise Refused(f"I cannot post the timetable picture in <#{channel.id}>: give me "
                          "Attach Files there, then publish again.") from None
        await self.bot.posting.set_posted_messages(guild_id, PICTURE,
                                                   {KEY: (channel.id, msg.id)})
        return "Posted the timetable picture."
