"""A discussion thread per session, opened on the session's message in the proposals channel
when the session becomes public; stored, so a restart or a re-post never opens a second one."""

from __future__ import annotations

import contextlib
import logging

import discord

from bot.discord import embeds
from bot.discord.errors import NO_MENTIONS
from bot.discord.languages import language_for
from bot.event.models import SessionView
from bot.event.text import cut
from bot.i18n import ENGLISH, Language
from bot.storage.mirror import MirrorStore, SessionThread

log = logging.getLogger(__name__)
ARCHIVE_MINUTES = 10080  # a week without messages before Discord hides the thread


class SessionThreads:
    def __init__(self, store: MirrorStore):
        self.store = store

    async def thread_ids(self, guild_id: int) -> dict[int, int]:
        """session id → thread id, for the timetable's links."""
        return await self.store.threads(guild_id)

    async def thread(self, guild_id: int, session_id: int) -> SessionThread | None:
        """The session's thread, with the message it was opened on."""
        return await self.store.thread_of(guild_id, session_id)

    async def open(self, guild_id: int, s: SessionView, message: discord.Message,
                   language: Language = ENGLISH) -> str | None:
        """Open the session's thread on its freshly posted message, and show its link in the
        message's embed. Returns a line for an organiser, in `language`, when Discord
        refused."""
        if await self.store.thread_of(guild_id, s.id) is not None:
            return None
        try:
            name = cut(" ".join(s.title.split()) or "Session", 100)
            thread = await message.create_thread(name=name,
                                                 auto_archive_duration=ARCHIVE_MINUTES,
                                                 reason=f"discussion of session #{s.id}")
        except discord.Forbidden:
            return language.gettext("I could not open a discussion thread for **{title}**: "
                                    "give me the **Create Public Threads** permission in "
                                    "{channel}.", title=embeds.literal(s.title),
                                    channel=message.channel.mention)
        except discord.HTTPException as e:
            log.warning("could not open a thread for session %s: %s", s.id, e)
            return None
        added = await self.store.add_thread(
            guild_id, SessionThread(s.id, message.channel.id, message.id, thread.id))
        if not added:  # another post of the same session won the race: keep the first thread
            with contextlib.suppress(discord.HTTPException):
                await thread.delete()
            return None
        try:
            await message.edit(embed=embeds.session_embed(s, thread.id,
                                                          language_for(message.guild)),
                               allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as e:
            log.warning("could not add the thread link to session %s: %s", s.id, e)
        return None
