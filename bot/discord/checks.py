"""Who is acting, and the Discord-side gates (admin rights, attendee role)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.discord.errors import Refused
from bot.event.models import Actor, EventSettings
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

ADMIN = N_("Only organisers can do this: it needs the Manage Server permission or the "
           "event's organiser role.")
ROLE = N_("This event asks attendees to verify first: enter the event's code with "
          "/verify code:<code> (the organisers share it).")
ADMIN_REFUSAL, ROLE_REFUSAL = str(ADMIN), str(ROLE)  # the English


def guild_id_of(interaction: discord.Interaction[SchedulerBot]) -> int:
    if interaction.guild_id is None:
        raise Refused(N_("This works in the event's server, not in direct messages."))
    return interaction.guild_id


def role_ids(interaction: discord.Interaction[SchedulerBot]) -> frozenset[int]:
    """The member's roles (none outside a server)."""
    return frozenset(r.id for r in getattr(interaction.user, "roles", ()))


def has_manage_guild(interaction: discord.Interaction[SchedulerBot]) -> bool:
    """Manage Server or Administrator, as Discord computed them for this interaction (not the
    command's default permission, which a server can override)."""
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.administrator


def actor_of(interaction: discord.Interaction[SchedulerBot], *,
             admin: bool | None = None) -> Actor:
    user = interaction.user
    is_admin = has_manage_guild(interaction) if admin is None else admin
    return Actor(user_id=user.id, display_name=user.display_name, is_admin=is_admin)


async def admin_actor(interaction: discord.Interaction[SchedulerBot]) -> tuple[int, Actor]:
    """The acting organiser, or a private refusal: Manage Server, or the organiser role."""
    guild_id = guild_id_of(interaction)
    if has_manage_guild(interaction):
        return guild_id, actor_of(interaction, admin=True)
    try:  # the same cached read as the attendee gate (admin commands clear it)
        settings = await interaction.client.gate_settings(guild_id)
    except Exception:
        settings = None
    if settings and settings.organiser_role_id and settings.organiser_role_id in role_ids(
            interaction):
        return guild_id, actor_of(interaction, admin=True)
    raise Refused(ADMIN)


async def attendee_actor(interaction: discord.Interaction[SchedulerBot], *, role: bool = True
                         ) -> tuple[int, Actor, EventSettings]:
    """The acting attendee; with verification required, the attendee role is needed (the
    rules check the verification itself). `role=False` lets members without it through, for
    what the rules accept from them (a proposal, which then waits for approval)."""
    guild_id = guild_id_of(interaction)
    actor = actor_of(interaction)
    settings = await interaction.client.gate_settings(guild_id)
    if (role and settings.verification_required and not actor.is_admin
            and settings.verified_role_id is not None
            and settings.verified_role_id not in role_ids(interaction)):
        raise Refused(ROLE)
    return guild_id, actor, settings
