"""`/availability`: the days or slots an attendee is here, so that the scheduler counts them
only there (nothing said: every slot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import attendee_actor
from bot.discord.constraints import slots_text
from bot.discord.errors import say
from bot.discord.languages import language_for
from bot.discord.options import day_list_choices, id_list, slot_list_choices

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot


@app_commands.command(name="availability",
                      description="The days or slots you are here (leave all out to see them)")
@app_commands.guild_only()
@app_commands.describe(
    days="Day numbers, separated by commas: you are here all those days",
    slots="Slot numbers, separated by commas (the list helps)",
    everywhere="True: you are here the whole event again")
@app_commands.autocomplete(days=day_list_choices, slots=slot_list_choices)
async def availability(interaction: discord.Interaction[SchedulerBot],
                       days: str | None = None, slots: str | None = None,
                       everywhere: bool = False) -> None:
    guild_id, actor, _ = await attendee_actor(interaction)
    service = interaction.client.service
    t = language_for(interaction)
    changed = bool(everywhere or days or slots)
    if changed:
        mine = await service.set_availability(
            guild_id, actor, slot_ids=[] if everywhere else id_list(slots, "slot"),
            day_ids=[] if everywhere else id_list(days, "day"))
    else:
        mine = await service.availability(guild_id, actor)
    if mine:
        text = t.gettext("You are here: {slots}. The scheduler counts your interest only in "
                         "those slots.", slots=slots_text(mine, ""))
    else:
        text = t.gettext("You are here: every slot of the event. The scheduler counts your "
                         "interest only in those slots.")
    await say(interaction, t.gettext("Saved. {text}", text=text) if changed else text)
