"""The published timetable for each reader: `/schedule` with their choices marked, and
`/myschedule`, their itinerary with the clashes among their wishes and an .ics calendar file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import actor_of, guild_id_of
from bot.discord.direct import CLOSED_NOTE
from bot.discord.errors import say_messages
from bot.event import calendar, explain
from bot.event.errors import InvalidInput
from bot.event.models import Actor, Level, PublishedDay
from bot.event.times import day_name

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot


def find_day(days: Sequence[PublishedDay], typed: str) -> PublishedDay:
    """The day picked from the list (its date is sent), or typed: a date, or the day's name."""
    key = " ".join(typed.split()).casefold()
    for d in days:
        if key and key in (d.date.isoformat(), d.label.casefold(),
                           day_name(d.date, d.label).casefold()):
            return d
    raise InvalidInput("There is no such day in the timetable: pick one from the list "
                       "(start typing a date or the day's name).")


async def timetable_days(interaction: discord.Interaction[SchedulerBot],
                         current: str) -> list[app_commands.Choice[str]]:
    """The event's days whose name or date holds what was typed; nothing when that fails."""
    if interaction.guild_id is None:
        return []
    try:
        tt = await interaction.client.service.timetable(interaction.guild_id,
                                                        actor_of(interaction))
    except Exception:
        return []
    key = current.strip().casefold()
    return [app_commands.Choice(name=day_name(d.date, d.label)[:100], value=d.date.isoformat())
            for d in tt.days
            if key in day_name(d.date, d.label).casefold() or key in d.date.isoformat()][:25]


@app_commands.command(description="The published timetable, your choices marked")
@app_commands.describe(day="Only this day (start typing its name or date)")
@app_commands.autocomplete(day=timetable_days)
@app_commands.guild_only()
async def schedule(interaction: discord.Interaction[SchedulerBot],
                   day: app_commands.Range[str, 1, 100] | None = None) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    bot = interaction.client
    view = await bot.service.published_view(guild_id, actor)
    tt = view.timetable
    if day is not None:
        tt = replace(tt, days=(find_day(tt.days, day),))
    threads = await bot.threads.thread_ids(guild_id)
    messages = embeds.split_messages(  # small events in one message, big ones in more
        e for _, m in embeds.timetable_messages(tt, view.levels, threads, guild_id)
        for e in m)
    legend = "Your interest: " + ", ".join(
        embeds.mark(level).strip() for level in (Level.VERY, Level.YES, Level.A_LITTLE))
    if len(messages) > 1:
        legend += f" · the timetable in {len(messages)} messages"
    await say_messages(interaction, legend, messages)


@app_commands.command(description="Your own itinerary through the published timetable")
@app_commands.guild_only()
async def myschedule(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    bot = interaction.client
    mine = await bot.service.my_schedule(guild_id, actor)
    items, tt = list(mine.items), mine.timetable
    found = explain.clashes(tt, mine.levels, embeds.discord_time, user_id=actor.user_id,
                            allowed_slots={s.id: s.allowed_slot_ids for s in mine.sessions},
                            esc=embeds.literal)
    shown = embeds.itinerary_embeds(items, embeds.local_zone(tt.timezone, tt.physical))
    if found:
        shown += embeds.described("Clashes among the sessions you want",
                                  [c.text for c in found], sep="\n\n")
    ics = calendar.itinerary_ics(items, guild_id=guild_id, event_name=mine.event_name,
                                 version_id=tt.version_id,
                                 descriptions={s.id: s.description for s in mine.sessions},
                                 timezone=tt.timezone, left=mine.left, names=mine.names,
                                 threads=await bot.threads.thread_ids(guild_id))
    note = "Your schedule is attached as a calendar file (import it into your calendar app)."
    if await bot.personal.dms_closed(guild_id, actor.user_id):
        note += "\n" + CLOSED_NOTE
    await say_messages(interaction, note, embeds.split_messages(shown),
                       file=discord.File(io.BytesIO(ics), filename="my-schedule.ics"))


async def timetable_file(bot: SchedulerBot, guild_id: int, actor: Actor) -> discord.File:
    """The whole published timetable as an .ics file (`/admin export-calendar`)."""
    view = await bot.service.published_view(guild_id, actor)
    ics = calendar.timetable_ics(view.timetable, guild_id=guild_id, event_name=view.event_name,
                                 descriptions={s.id: s.description for s in view.sessions},
                                 names=view.names, threads=await bot.threads.thread_ids(guild_id))
    return discord.File(io.BytesIO(ics), filename=f"timetable-v{view.timetable.version_id}.ics")
