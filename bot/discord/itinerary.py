"""Calendar files and explanations for /myschedule and /admin export-calendar."""

from __future__ import annotations

import io

import discord

from bot.discord import embeds
from bot.discord.direct import CLOSED_NOTE
from bot.discord.errors import say
from bot.event import calendar, explain
from bot.event.models import Actor


async def myschedule_reply(bot, interaction: discord.Interaction, guild_id: int,
                           actor: Actor) -> None:
    """The itinerary embed, the clashes among the attendee's wishes with the reason, and the
    itinerary as an .ics file."""
    mine = await bot.service.my_schedule(guild_id, actor)
    items, tt = list(mine.items), mine.timetable
    found = explain.clashes(tt, mine.levels, embeds.discord_time, user_id=actor.user_id,
                            allowed_slots={s.id: s.allowed_slot_ids for s in mine.sessions},
                            esc=embeds.literal)
    shown = [embeds.itinerary_embed(items)]
    if found:
        text = "\n\n".join(c.text for c in found)
        shown.append(discord.Embed(title="Clashes among the sessions you want",
                                   colour=embeds.COLOUR, description=embeds._cut(text, 4000)))
    ics = calendar.itinerary_ics(items, guild_id=guild_id, event_name=mine.event_name,
                                 version_id=tt.version_id,
                                 descriptions={s.id: s.description for s in mine.sessions},
                                 timezone=tt.timezone)
    note = "Your schedule is attached as a calendar file (import it into your calendar app)."
    if await bot.personal.dms_closed(guild_id, actor.user_id):
        note += "\n" + CLOSED_NOTE
    await say(interaction, note, embeds=embeds.fit_message(shown),
              file=discord.File(io.BytesIO(ics), filename="my-schedule.ics"))


async def timetable_file(bot, guild_id: int, actor: Actor) -> discord.File:
    """The whole published timetable as an .ics file (admins)."""
    view = await bot.service.published_view(guild_id, actor)
    ics = calendar.timetable_ics(view.timetable, guild_id=guild_id, event_name=view.event_name,
                                 descriptions={s.id: s.description for s in view.sessions})
    return discord.File(io.BytesIO(ics), filename=f"timetable-v{view.timetable.version_id}.ics")
