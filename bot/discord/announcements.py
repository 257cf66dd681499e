"""The announcements channel: the published timetable, posted as a publish step and edited in
place on re-publish, and the announcer's "up next" and daily agenda messages."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import discord

from bot.discord import embeds
from bot.discord.errors import NO_MENTIONS, Refused
from bot.event.models import (
    SYSTEM,
    EventSettings,
    Publication,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
)
from bot.event.text import plural

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

TIMETABLE = "timetable"


class AnnouncementsChannel:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot

    async def post_timetable(self, settings: EventSettings,
                             tt: PublishedTimetable) -> tuple[int, int, int]:
        """The published timetable, one message per day or more when a day does not fit in
        one. The messages posted before are edited in place, in channel order (so the parts of a
        day stay in order when their number changes); those no longer needed are deleted.
        Returns (days, messages posted, messages edited)."""
        guild_id = settings.guild_id
        channel = self.bot.text_channel(settings.guild_id, settings.announcements_channel_id)
        if channel is None:
            return 0, 0, 0
        posting = self.bot.posting
        before = await posting.posted_messages(guild_id, TIMETABLE)
        reusable = sorted(mid for cid, mid in before.values() if cid == channel.id)
        after: dict[str, tuple[int, int]] = {}
        posted = edited = 0
        threads = await self.bot.threads.thread_ids(guild_id)
        for key, message_embeds in embeds.timetable_messages(tt, threads=threads,
                                                             guild_id=guild_id):
            while reusable:
                mid = reusable.pop(0)
                try:
                    await channel.get_partial_message(mid).edit(
                        embeds=message_embeds, allowed_mentions=NO_MENTIONS)
                except discord.NotFound:
                    continue  # deleted by someone: the next one, or a new message
                after[key] = (channel.id, mid)
                edited += 1
                break
            else:
                try:
                    msg = await channel.send(embeds=message_embeds,
                                             allowed_mentions=NO_MENTIONS)
                except discord.Forbidden:
                    unused = {k: v for k, v in before.items() if v not in after.values()}
                    await posting.set_posted_messages(guild_id, TIMETABLE, {**unused, **after})
                    raise Refused(f"The schedule is published, but I cannot post in "
                                  f"<#{channel.id}>: give me View Channel, Send Messages and "
                                  "Embed Links there, then publish again.") from None
                after[key] = (channel.id, msg.id)
                posted += 1
        for mid in reusable:  # parts and days no longer in the timetable
            with contextlib.suppress(discord.HTTPException):
                await channel.get_partial_message(mid).delete()
        await posting.set_posted_messages(guild_id, TIMETABLE, after)
        return len(tt.days), posted, edited

    async def publish_step(self, done: Publication) -> str:
        days, posted, edited = await self.post_timetable(done.settings, done.timetable)
        if not (posted or edited):
            return "(No announcements channel: set one with /admin setup.)"
        unit = "day" if posted + edited == days else "message"
        did = [f"{plural(n, unit)} {verb}" for n, verb in
               ((posted, "posted"), (edited, "updated in place")) if n]
        where = f"<#{done.settings.announcements_channel_id}>"
        if unit == "message":
            where += f" ({plural(days, 'day')})"
        return f"Timetable in {where}: {', '.join(did)}."

    async def announce(self, guild_id: int, kind: str, payload: Any) -> bool:
        """The announcer's sender: "up next" for a slot, or the day's agenda."""
        settings = await self.bot.service.settings(guild_id, SYSTEM)
        channel = self.bot.text_channel(settings.guild_id, settings.announcements_channel_id)
        if channel is None:
            return False
        threads = await self.bot.threads.thread_ids(guild_id)
        rooms = (await self.bot.service.timetable(guild_id, SYSTEM)).rooms
        physical = any(r.is_place for r in rooms)
        if kind == "up-next" and isinstance(payload, PublishedSlot):
            local = embeds.local_zone(settings.timezone, physical)
            messages = embeds.split_messages(embeds.up_next_embeds(payload, threads, guild_id,
                                                                   local))
        elif kind == "agenda" and isinstance(payload, PublishedDay):
            messages = embeds.agenda_messages(payload, threads, guild_id,
                                              timezone=settings.timezone, physical=physical)
        else:
            return False
        for found in messages:
            await channel.send(embeds=found, allowed_mentions=NO_MENTIONS)
        return True
