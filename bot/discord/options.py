"""Session options: the sessions the rules offer as autocomplete, and the id read back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.discord.checks import actor_of, admin_actor
from bot.discord.languages import language_for
from bot.event.errors import InvalidInput
from bot.event.models import Actor
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

Choices = list[app_commands.Choice[str]]


def session_id(raw: str) -> int:
    """Autocomplete sends the id; a typed "#12" or "12" works too."""
    raw = raw.strip().lstrip("#")
    if not raw.isdigit():
        raise InvalidInput(N_("Pick a session from the list (start typing its title)."))
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


# ------------------------------------------------------------------ days, slots and rooms

async def _frame_choices(interaction: discord.Interaction[SchedulerBot], kind: str,
                         typed: str) -> list[tuple[int, str]]:
    """What `EventService.timetable_choices` offers for what was typed; nothing on failure."""
    if interaction.guild_id is None:
        return []
    try:
        return await interaction.client.service.timetable_choices(
            interaction.guild_id, actor_of(interaction), kind, typed,
            language=language_for(interaction))
    except Exception:
        return []


def _one(kind: str):
    async def complete(interaction: discord.Interaction[SchedulerBot],
                       current: str) -> list[app_commands.Choice[int]]:
        return [app_commands.Choice(name=words, value=i)
                for i, words in await _frame_choices(interaction, kind, str(current))]
    complete.__name__ = f"{kind}_choices"
    return complete


def _many(kind: str):
    """Autocomplete of a comma-separated list of ids: what was typed before the last comma
    stays, the last item is completed."""
    async def complete(interaction: discord.Interaction[SchedulerBot],
                       current: str) -> Choices:
        head, _, last = current.rpartition(",")
        kept = [p.strip().lstrip("#") for p in head.split(",") if p.strip()]
        out = []
        for i, words in await _frame_choices(interaction, kind, last.strip()):
            if str(i) in kept:
                continue
            value = ", ".join([*kept, str(i)])
            if len(value) > 100:
                break
            name = (", ".join(kept) + ", " if kept else "") + words
            out.append(app_commands.Choice(name=name[:100], value=value))
        return out
    complete.__name__ = f"{kind}_list_choices"
    return complete


day_choices, slot_choices, room_choices = _one("day"), _one("slot"), _one("room")
any_slot_choices = _one("any-slot")  # breaks too: the timetable's own commands
day_list_choices, slot_list_choices = _many("day"), _many("slot")


def id_list(raw: str | None, what: Literal["day", "slot"]) -> list[int]:
    """A comma-separated list of ids as the list autocompletes write it ("3, 4, #7")."""
    out = []
    for part in (raw or "").split(","):
        part = part.strip().lstrip("#")
        if not part:
            continue
        if not part.isdigit() or len(part) > 19:
            raise InvalidInput(
                N_("“{typed}” is not a day number: pick days from the list (separate them "
                   "with commas).", typed=part[:20]) if what == "day" else
                N_("“{typed}” is not a slot number: pick slots from the list (separate them "
                   "with commas).", typed=part[:20]))
        out.append(int(part))
    return out
