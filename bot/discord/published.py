"""The published timetable for each reader: `/schedule` with their choices marked, and
`/myschedule`, their itinerary with the clashes among their wishes and an .ics calendar file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds, web
from bot.discord.checks import actor_of, guild_id_of
from bot.discord.direct import CLOSED
from bot.discord.errors import say_messages
from bot.discord.languages import language_for
from bot.event import calendar, explain
from bot.event.errors import InvalidInput
from bot.event.models import Actor, Level, PublishedDay
from bot.event.times import day_name
from bot.i18n import ENGLISH, N_, Language
from bot.render.timetable_png import day_title

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot


def day_choice(d: PublishedDay, t: Language = ENGLISH) -> str:
    """A day as the list of days shows it: its label, then its date in the reader's words."""
    return day_title(d.date, d.label, t)


def find_day(days: Sequence[PublishedDay], typed: str, t: Language = ENGLISH) -> PublishedDay:
    """The day picked from the list (its date is sent), or typed: a date, or the day's name
    (in English or the reader's words)."""
    key = " ".join(typed.split()).casefold()
    for d in days:
        if key and key in (d.date.isoformat(), d.label.casefold(),
                           day_name(d.date, d.label).casefold(),
                           day_choice(d, t).casefold(), t.day_name(d.date).casefold()):
            return d
    raise InvalidInput(N_("There is no such day in the timetable: pick one from the list "
                          "(start typing a date or the day's name)."))


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
    t = language_for(interaction)
    return [app_commands.Choice(name=day_choice(d, t)[:100], value=d.date.isoformat())
            for d in tt.days
            if key in day_choice(d, t).casefold() or key in d.date.isoformat()][:25]


@app_commands.command(description="The published timetable, your choices marked")
@app_commands.describe(day="Only this day (start typing its name or date)")
@app_commands.autocomplete(day=timetable_days)
@app_commands.guild_only()
async def schedule(interaction: discord.Interaction[SchedulerBot],
                   day: app_commands.Range[str, 1, 100] | None = None) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    bot = interaction.client
    t = language_for(interaction)
    view = await bot.service.published_view(guild_id, actor)
    tt = view.timetable
    if day is not None:
        tt = replace(tt, days=(find_day(tt.days, day, t),))
    threads = await bot.threads.thread_ids(guild_id)
    messages = embeds.split_messages(  # small events in one message, big ones in more
        e for _, m in embeds.timetable_messages(tt, view.levels, threads, guild_id, t=t)
        for e in m)
    marks = ", ".join(embeds.mark(level, t).strip()
                      for level in (Level.VERY, Level.YES, Level.A_LITTLE))
    legend = t.gettext("Your interest: {marks}", marks=marks)
    if len(messages) > 1:
        legend = t.gettext("Your interest: {marks} · the timetable in {n} messages",
                           marks=marks, n=len(messages))
    await say_messages(interaction, legend, messages)


@app_commands.command(description="Your own itinerary through the published timetable")
@app_commands.describe(link="Your private web page and calendar feed: a new link, or none")
@app_commands.choices(link=web.LINK_CHOICES)
@app_commands.guild_only()
async def myschedule(interaction: discord.Interaction[SchedulerBot],
                     link: app_commands.Choice[str] | None = None) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    bot = interaction.client
    t = language_for(interaction)
    mine = await bot.service.my_schedule(guild_id, actor)
    items, tt = list(mine.items), mine.timetable
    found = explain.clashes(tt, mine.levels, embeds.discord_time, user_id=actor.user_id,
                            allowed_slots={s.id: s.allowed_slot_ids for s in mine.sessions},
                            esc=embeds.literal, t=t)
    shown = embeds.itinerary_embeds(items, embeds.local_zone(tt.timezone, tt.physical), t)
    if found:
        shown += embeds.described(t.gettext("Clashes among the sessions you want"),
                                  [c.text for c in found], sep="\n\n", t=t)
    ics = calendar.itinerary_ics(items, guild_id=guild_id, event_name=mine.event_name,
                                 version_id=tt.version_id,
                                 descriptions={s.id: s.description for s in mine.sessions},
                                 timezone=tt.timezone, left=mine.left, names=mine.names,
                                 threads=await bot.threads.thread_ids(guild_id), language=t)
    note = t.gettext("Your schedule is attached as a calendar file (import it into your "
                     "calendar app).")
    if await bot.personal.dms_closed(guild_id, actor.user_id):
        note += "\n" + t.text(CLOSED)
    links = await bot.web.links(guild_id, actor, link.value if link else None, t)
    if links:
        note += "\n" + links
    await say_messages(interaction, note, embeds.split_messages(shown),
                       file=discord.File(io.BytesIO(ics), filename="my-schedule.ics"))


async def timetable_file(bot: SchedulerBot, guild_id: int, actor: Actor,
                         t: Language = ENGLISH) -> discord.File:
    """The whole published timetable as an .ics file (`/admin export-calendar`), in the
    language of those it is shared with."""
    view = await bot.service.published_view(guild_id, actor)
    ics = calendar.timetable_ics(view.timetable, guild_id=guild_id, event_name=view.event_name,
                                 descriptions={s.id: s.description for s in view.sessions},
                                 names=view.names, threads=await bot.threads.thread_ids(guild_id),
                                 language=t)
    return discord.File(io.BytesIO(ics), filename=f"timetable-v{view.timetable.version_id}.ics")
