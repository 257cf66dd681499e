"""`/admin phase`: open or close proposals and interest (members are told it is closed;
organisers still can)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.discord.checks import admin_actor
from bot.discord.errors import say
from bot.discord.languages import language_for
from bot.event.models import EventSettings
from bot.i18n import ENGLISH, Language

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

State = Literal["open", "closed"]


def phases_text(settings: EventSettings, language: Language = ENGLISH) -> str:
    """Whether proposals and interest are open, one line."""
    t = language
    proposals = (t.gettext("Proposals: open") if settings.proposals_open
                 else t.gettext("Proposals: closed"))
    interest = (t.gettext("Interest: open") if settings.interest_open
                else t.gettext("Interest: closed"))
    return f"{proposals} · {interest}"


@app_commands.command(name="phase", description="Open or close proposals and interest "
                                                "(leave both out to see them)")
@app_commands.describe(proposals="Whether members may propose sessions",
                       interest="Whether members may say how interested they are")
async def phase(interaction: discord.Interaction[SchedulerBot], proposals: State | None = None,
                interest: State | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    service = interaction.client.service
    changes = {key: value == "open" for key, value in
               (("proposals_open", proposals), ("interest_open", interest)) if value}
    settings = (await service.update_settings(guild_id, actor, **changes) if changes
                else await service.settings(guild_id, actor))
    await say(interaction, phases_text(settings, language_for(interaction)))
