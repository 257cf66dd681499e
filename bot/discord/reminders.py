"""`/remind on|off`, and the personal reminders' DMs (their jobs: bot/jobs/reminders.py, which
the bot starts once the gateway is ready and re-arms on every publish)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import actor_of, guild_id_of
from bot.discord.direct import CLOSED, send_dm
from bot.discord.embeds import literal, ts
from bot.discord.errors import say
from bot.discord.languages import language_for
from bot.event.models import DmOutcome, EventSettings
from bot.event.reminders import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, ReminderPrefs
from bot.i18n import ENGLISH, Language
from bot.jobs.reminders import Reminder

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)


def reminder_text(r: Reminder, settings: EventSettings,
                  language: Language = ENGLISH) -> str:
    e, t = r.entry, language
    return "\n".join((
        t.gettext("⏰ **{title}** starts {when} ({time}) in **{room}** · {event}",
                  title=literal(e.title), when=ts(r.slot.start, "R"),
                  time=ts(r.slot.start, "t"), room=literal(e.room_name),
                  event=literal(settings.name)),
        "-# " + t.ngettext("You asked for reminders {n} minute before your sessions; /remind "
                           "off in the server stops them.",
                           "You asked for reminders {n} minutes before your sessions; /remind "
                           "off in the server stops them.", r.minutes)))


async def send_reminder(client: discord.Client, r: Reminder, settings: EventSettings,
                        nonce: str) -> DmOutcome:
    """One reminder by DM, in the server's language (the bot does not know the reader's
    outside an interaction)."""
    text = reminder_text(r, settings, language_for(client.get_guild(r.guild_id)))
    return await send_dm(client, r.user_id, text, nonce=nonce)


remind = app_commands.Group(name="remind",
                            description="Direct-message reminders before your sessions",
                            guild_only=True,
                            allowed_contexts=app_commands.AppCommandContext(guild=True))


async def _reply(interaction: discord.Interaction[SchedulerBot], prefs: ReminderPrefs,
                 text: str) -> None:
    if prefs.dms_closed:
        text += "\n" + language_for(interaction).text(CLOSED)
    await say(interaction, text)


@remind.command(name="on", description="DM me before each session of my schedule")
@app_commands.describe(minutes=f"How long before (default {DEFAULT_MINUTES})")
async def remind_on(interaction: discord.Interaction[SchedulerBot],
                    minutes: app_commands.Range[int, MIN_MINUTES, MAX_MINUTES] | None = None
                    ) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    prefs = await interaction.client.service.set_reminders(guild_id, actor, True, minutes)
    t = language_for(interaction)
    text = t.ngettext("Reminders on: I will DM you {n} minute before each session of your "
                      "schedule (see /myschedule). Keep direct messages from this server's "
                      "members allowed.",
                      "Reminders on: I will DM you {n} minutes before each session of your "
                      "schedule (see /myschedule). Keep direct messages from this server's "
                      "members allowed.", prefs.minutes_before)
    if prefs.previous and prefs.previous.dms_closed:
        text += " " + t.gettext("My last direct message to you failed because your DMs were "
                                "closed; I will try again from now on.")
    await _reply(interaction, prefs, text)
    await _rearm(interaction.client, guild_id, actor.user_id)


@remind.command(name="off", description="No more reminders")
async def remind_off(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    prefs = await interaction.client.service.set_reminders(guild_id, actor, False)
    was_on = prefs.previous is not None and prefs.previous.enabled
    t = language_for(interaction)
    await _reply(interaction, prefs, t.gettext("Reminders off.") if was_on
                 else t.gettext("Reminders were already off."))
    await _rearm(interaction.client, guild_id, actor.user_id)


async def _rearm(bot: SchedulerBot, guild_id: int, user_id: int) -> None:
    """The user's reminder jobs again, after the reply: a failure is logged, not shown, since
    the change itself is saved (and the jobs are rebuilt at the next publish or start)."""
    try:
        await bot.reminders.rebuild(guild_id, user_id)
    except Exception:
        log.exception("could not re-arm the reminders of user %s in guild %s", user_id, guild_id)
