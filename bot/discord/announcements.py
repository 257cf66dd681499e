"""The announcements channel: the published timetable, posted as a publish step and edited in
place on re-publish, and the announcer's "up next" and daily agenda messages."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.discord import embeds
from bot.discord.errors import NO_MENTIONS, Refused
from bot.discord.languages import language_for
from bot.event.models import (
    SYSTEM,
    EventSettings,
    Publication,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
)
from bot.i18n import N_, NP_, Message

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
        t = language_for(self.bot.get_guild(guild_id))  # everyone reads it: the server's
        for key, message_embeds in embeds.timetable_messages(tt, threads=threads,
                                                             guild_id=guild_id, t=t):
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
                    mention = f"<#{channel.id}>"
                    unused = {k: v for k, v in before.items() if v not in after.values()}
                    await posting.set_posted_messages(guild_id, TIMETABLE, {**unused, **after})
                    raise Refused(N_("The schedule is published, but I cannot post in "
                                     "{channel}: give me View Channel, Send Messages and Embed "
                                     "Links there, then publish again.",
                                     channel=mention)) from None
                after[key] = (channel.id, msg.id)
                posted += 1
        for mid in reusable:  # parts and days no longer in the timetable
            with contextlib.suppress(discord.HTTPException):
                await channel.get_partial_message(mid).delete()
        await posting.set_posted_messages(guild_id, TIMETABLE, after)
        return len(tt.days), posted, edited

    async def publish_step(self, done: Publication) -> Message:
        """The organiser's line: how many days (or messages, when a day took several) were
        posted and updated."""
        days, posted, edited = await self.post_timetable(done.settings, done.timetable)
        if not (posted or edited):
            return N_("(No announcements channel: set one with /admin setup.)")
        where = f"<#{done.settings.announcements_channel_id}>"
        if posted + edited == days:  # a message a day
            did = [NP_("{n} day posted", "{n} days posted", posted),
                   NP_("{n} day updated in place", "{n} days updated in place", edited)]
            return self._line(where, [d for d, n in zip(did, (posted, edited), strict=True) if n])
        did = [NP_("{n} message posted", "{n} messages posted", posted),
               NP_("{n} message updated in place", "{n} messages updated in place", edited)]
        return self._line(where, [d for d, n in zip(did, (posted, edited), strict=True) if n],
                          NP_("{n} day", "{n} days", days))

    @staticmethod
    def _line(where: str, did: list[Message], days: Message | None = None) -> Message:
        if days is None:
            if len(did) == 1:
                return N_("Timetable in {where}: {did}.", where=where, did=did[0])
            return N_("Timetable in {where}: {posted}, {edited}.", where=where, posted=did[0],
                      edited=did[1])
        if len(did) == 1:
            return N_("Timetable in {where} ({days}): {did}.", where=where, days=days,
                      did=did[0])
        return N_("Timetable in {where} ({days}): {posted}, {edited}.", where=where, days=days,
                  posted=did[0], edited=did[1])

    async def announce(self, guild_id: int, kind: str, payload: Any,
                       nonces: Callable[[int], str] | None = None) -> bool:
        """The announcer's sender: "up next" for a slot, or the day's agenda; its n-th message
        with the nonce `nonces(n)`, which Discord enforces (a message sent again with it is
        not posted twice)."""
        settings = await self.bot.service.settings(guild_id, SYSTEM)
        channel = self.bot.text_channel(settings.guild_id, settings.announcements_channel_id)
        if channel is None:
            return False
        threads = await self.bot.threads.thread_ids(guild_id)
        rooms = (await self.bot.service.timetable(guild_id, SYSTEM)).rooms
        physical = any(r.is_place for r in rooms)
        t = language_for(self.bot.get_guild(guild_id))
        if kind == "up-next" and isinstance(payload, PublishedSlot):
            local = embeds.local_zone(settings.timezone, physical)
            messages = embeds.split_messages(embeds.up_next_embeds(payload, threads, guild_id,
                                                                   local, t))
        elif kind == "agenda" and isinstance(payload, PublishedDay):
            messages = embeds.agenda_messages(payload, threads, guild_id,
                                              timezone=settings.timezone, physical=physical,
                                              t=t)
        else:
            return False
        for n, found in enumerate(messages):
            await channel.send(embeds=found, allowed_mentions=NO_MENTIONS,
                               nonce=nonces(n) if nonces else None)
        return True
