"""Session options: the sessions the rules offer as autocomplete, and the id read back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.discord.checks import actor_of, admin_actor
from bot.event.errors import InvalidInput
from bot.event.models import Actor

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

Choices = list[app_commands.Choice[str]]


def session_id(raw: str) -> int:
    """Autocomplete sends the id; a typed "#12" or "12" works too."""
    raw = raw.strip().lstrip("#")
    if not raw.isdigit():
        raise InvalidInput("Pick a session from the list (start typing its title).")
    return int(raw)


async def session_choices(interaction: discord.Interaction[SchedulerBot], actor: Actor,
                          typed: str, kind: Literal["public", "editable", "pending"]) -> Choices:
    """What the rules offer this actor for what they typed (`EventService.session_choices`);
    nothing when that fails."""
    if interaction.guild_id is None:
        return []
    try:
        found = await interaction.client.service.session_choices(
            interaction.guild_id, actor, typed, kind)
    except Exception:
        return []
    return [app_commands.Choice(name=title[:100], value=str(sid)) for sid, title in found]


async def public_sessions(interaction: discord.Interaction[SchedulerBot],
                          current: str) -> Choices:
    return await session_choices(interaction, actor_of(interaction), current, "public")


async def own_sessions(interaction: discord.Interaction[SchedulerBot], current: str) -> Choices:
    return await session_choices(interaction, actor_of(interaction), current, "editable")


async def pending_sessions(interaction: discord.Interaction[SchedulerBot],
                           current: str) -> Choices:
    try:
        _, actor = await admin_actor(interaction)
    except Exception:
        return []
    return await session_choices(interaction, actor, current, "pending")
