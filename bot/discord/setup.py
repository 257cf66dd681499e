"""`/admin setup`: create the event, and choose its roles and channels (the attendee role is
created when none is chosen); the reply shows the settings and the setup checks (what is still
missing, `bot.discord.setup_checks`)."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import admin_actor
from bot.discord.embeds import literal
from bot.discord.errors import Refused, say
from bot.discord.languages import language_for
from bot.discord.phases import phases_text
from bot.discord.setup_checks import checks_embed, setup_checks
from bot.event.models import EventSettings
from bot.i18n import ENGLISH, N_, Language

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

_ZONES = sorted(zoneinfo.available_timezones())


async def _zones(interaction: discord.Interaction[SchedulerBot],
                 current: str) -> list[app_commands.Choice[str]]:
    needle = current.casefold().replace(" ", "_")
    return [app_commands.Choice(name=z, value=z) for z in _ZONES
            if needle in z.casefold()][:25]


def _mention(kind: str, i: int | None, t: Language) -> str:
    return t.gettext("not set") if i is None else (f"<#{i}>" if kind == "c" else f"<@&{i}>")


@app_commands.command(name="setup", description="Create the event, choose roles and channels")
@app_commands.autocomplete(timezone=_zones)
@app_commands.describe(
    name="The event's name",
    timezone="The time zone of its days and slots, e.g. Europe/Brussels (start typing a city)",
    attendee_role="The role /verify gives (default: a new Attendee role)",
    organiser_role="Members with this role may run the /admin commands too",
    proposals_channel="Where sessions are posted with their interest buttons",
    announcements_channel='Where the timetable, its picture and the "up next" posts go',
    verification_required="Whether people need the code (/verify) to take part",
    moderation_channel="Where organisers hear of proposals waiting for approval",
)
async def setup_event(interaction: discord.Interaction[SchedulerBot],
                      name: app_commands.Range[str, 1, 100] | None = None,
                      timezone: str | None = None,
                      attendee_role: discord.Role | None = None,
                      organiser_role: discord.Role | None = None,
                      proposals_channel: discord.TextChannel | None = None,
                      announcements_channel: discord.TextChannel | None = None,
                      verification_required: bool | None = None,
                      moderation_channel: discord.TextChannel | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    t = language_for(interaction)
    service = interaction.client.service
    settings = await service.setup_event(guild_id, actor, name=name or "Unconference",
                                         timezone=timezone or "UTC")
    changes: dict[str, object] = {}
    created = None
    if name is not None:
        changes["name"] = name
    if timezone is not None:
        changes["timezone"] = timezone
    if attendee_role is not None:
        changes["verified_role_id"] = attendee_role.id
    elif settings.verified_role_id is None and interaction.guild is not None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            server = language_for(interaction, public=True)  # the role's name, for everyone
            role = await interaction.guild.create_role(name=server.gettext("Attendee"),
                                                       reason="session-scheduler setup")
        except discord.Forbidden:
            raise Refused(N_("I cannot create the attendee role: give me the Manage Roles "
                             "permission, or choose an existing role with attendee_role.")
                          ) from None
        changes["verified_role_id"] = role.id
        created = role
    if organiser_role is not None:
        changes["organiser_role_id"] = organiser_role.id
    if proposals_channel is not None:
        changes["proposals_channel_id"] = proposals_channel.id
    if announcements_channel is not None:
        changes["announcements_channel_id"] = announcements_channel.id
    if verification_required is not None:
        changes["verification_required"] = verification_required
    if moderation_channel is not None:
        changes["moderation_channel_id"] = moderation_channel.id
    if changes:
        settings = await service.update_settings(guild_id, actor, **changes)
    shown = {}
    if interaction.guild is not None:
        shown["embed"] = checks_embed(
            setup_checks(interaction.guild, settings, created, language=t), t)
    await say(interaction, settings_text(settings, t), **shown)


def settings_text(settings: EventSettings, language: Language = ENGLISH) -> str:
    """The setup reply: the event's settings, the code behind a spoiler."""
    t = language
    return "\n".join((
        f"**{literal(settings.name)}** ({settings.timezone})",
        t.gettext("Attendee role: {role}", role=_mention("r", settings.verified_role_id, t)),
        t.gettext("Organiser role: {role}", role=_mention("r", settings.organiser_role_id, t)),
        t.gettext("Proposals channel: {channel}",
                  channel=_mention("c", settings.proposals_channel_id, t)),
        t.gettext("Announcements channel: {channel}",
                  channel=_mention("c", settings.announcements_channel_id, t)),
        t.gettext("Moderation channel: {channel}",
                  channel=_mention("c", settings.moderation_channel_id, t)),
        t.gettext("{phases} (/admin phase)", phases=phases_text(settings, t)),
        t.gettext("Verification required: on.") if settings.verification_required
        else t.gettext("Verification required: off."),
        t.gettext("Verification code: ||{code}||", code=settings.verification_code)))
