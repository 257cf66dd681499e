"""/remind on|off, and the personal reminders' DMs (scheduling lives in bot/jobs/reminders.py).

The cog owns the reminder scheduler: it starts once the gateway is ready, re-arms on every
publish (a Publisher step) and when someone changes their reminders, and stops with the bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.checks import actor_of, guild_id_of
from bot.discord.direct import CLOSED_NOTE, send_dm
from bot.discord.embeds import literal, ts
from bot.discord.errors import say
from bot.event.models import EventSettings, Publication
from bot.event.reminders import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, ReminderPrefs
from bot.jobs.reminders import Outcome, Reminder, Reminders

log = logging.getLogger(__name__)


def reminder_text(r: Reminder, settings: EventSettings) -> str:
    e = r.entry
    return (f"⏰ **{literal(e.title)}** starts {ts(r.slot.start, 'R')} "
            f"({ts(r.slot.start, 't')}) in **{literal(e.room_name)}** · "
            f"{literal(settings.name)}\n"
            f"-# You asked for reminders {r.minutes} min before your sessions; /remind off in "
            "the server stops them.")


@app_commands.guild_only()
class RemindersCog(commands.GroupCog, group_name="remind",
                   group_description="Direct-message reminders before your sessions"):
    def __init__(self, bot):
        self.bot = bot
        self.reminders = Reminders(bot.service, bot.personal, self._send, clock=bot.clock)
        self._start_task: asyncio.Task | None = None
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.reminders = self.reminders
        self.bot.publisher.add_step("reminders", self._on_publish)
        self._start_task = asyncio.create_task(self._start())

    async def cog_unload(self) -> None:
        if self._start_task is not None and not self._start_task.done():
            self._start_task.cancel()
        self.reminders.stop()

    async def _start(self) -> None:
        await self.bot.wait_until_ready()
        try:
            await self.reminders.start(await self.bot.posting.published_guilds())
        except Exception:
            log.exception("the reminders could not start")

    async def _on_publish(self, done: Publication) -> None:
        await self.reminders.rebuild(done.guild_id)

    async def _send(self, r: Reminder, settings: EventSettings) -> Outcome:
        return await send_dm(self.bot, r.user_id, reminder_text(r, settings))

    # -------------------------------------------------------------------------- commands

    async def _reply(self, interaction: discord.Interaction, prefs: ReminderPrefs,
                     text: str) -> None:
        if prefs.dms_closed:
            text += "\n" + CLOSED_NOTE
        await say(interaction, text)

    @app_commands.command(name="on", description="DM me before each session of my schedule")
    @app_commands.describe(minutes=f"How long before (default {DEFAULT_MINUTES})")
    async def remind_on(self, interaction: discord.Interaction,
                        minutes: app_commands.Range[int, MIN_MINUTES, MAX_MINUTES] | None = None
                        ) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)
        before = await self.bot.service.reminder_prefs(guild_id, actor)
        prefs = await self.bot.service.set_reminders(guild_id, actor, True, minutes)
        again = (" My last direct message to you failed because your DMs were closed; I will "
                 "try again from now on." if before.dms_closed else "")
        await self._reply(interaction, prefs,
                          f"Reminders on: I will DM you {prefs.minutes_before} minutes before "
                          "each session of your schedule (see /myschedule). Keep direct "
                          f"messages from this server's members allowed.{again}")
        with contextlib.suppress(Exception):
            await self.reminders.rebuild(guild_id, actor.user_id)

    @app_commands.command(name="off", description="No more reminders")
    async def remind_off(self, interaction: discord.Interaction) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)
        before = await self.bot.service.reminder_prefs(guild_id, actor)
        prefs = await self.bot.service.set_reminders(guild_id, actor, False)
        await self._reply(interaction, prefs,
                          "Reminders off." if before.enabled else "Reminders were already off.")
        await self.reminders.rebuild(guild_id, actor.user_id)


async def setup(bot) -> None:
    await bot.add_cog(RemindersCog(bot))
