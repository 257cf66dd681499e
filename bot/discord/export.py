"""Copies of the event for organisers: `/admin export` (JSON) and `/admin import` (the same
file back, replacing the event), `/admin export-calendar` (.ics) and `/admin backup` (the
database, on the bot's machine)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import admin_actor
from bot.discord.errors import Refused, say
from bot.discord.languages import language_for
from bot.discord.published import timetable_file
from bot.event.errors import InvalidInput
from bot.event.export_model import MAX_JSON_CHARS
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot


@app_commands.command(name="export", description="The whole event as a JSON file")
async def export(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    text = await interaction.client.service.export_event_json(guild_id, actor)
    name = f"event-{guild_id}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    await say(interaction, language_for(interaction).gettext("The event's data:"),
              file=discord.File(io.BytesIO(text.encode()), filename=name))


@app_commands.command(name="import", description="Replace this server's whole event by an "
                                                  "/admin export file")
@app_commands.describe(file="A JSON file made by /admin export",
                       replace_everything="True: this server's event is replaced by the file's "
                                          "(sessions, interest, timetable, runs)")
async def import_event(interaction: discord.Interaction[SchedulerBot], file: discord.Attachment,
                       replace_everything: bool) -> None:
    guild_id, actor = await admin_actor(interaction)
    t = language_for(interaction)
    if not replace_everything:
        raise Refused(N_("Nothing changed: an import replaces this server's whole event. Run it "
                         "again with replace_everything:True (an /admin export first keeps a "
                         "copy)."))
    if file.size > MAX_JSON_CHARS:  # before downloading it; the rules check the text itself
        raise InvalidInput(N_("The file is too large for an event export ({mb} MB at most).",
                              mb=MAX_JSON_CHARS // 10**6))
    guild = interaction.guild
    if guild is None:
        raise Refused(N_("This works in the event's server, not in direct messages."))
    # the channels, threads and roles of this server: the file's others are left out
    server_ids = {guild.id, *(c.id for c in guild.channels), *(t.id for t in guild.threads),
                  *(r.id for r in guild.roles)}
    await interaction.response.defer(ephemeral=True, thinking=True)  # a big file takes a while
    done = await interaction.client.service.import_event_json(
        guild_id, actor, await file.read(), server_ids=server_ids)
    rows = done.rows
    lines = [t.gettext(
        "Imported the event: {sessions}, {slots}, {rooms}, {ratings} and {versions}.",
        sessions=t.ngettext("{n} session", "{n} sessions", rows.get("sessions", 0)),
        slots=t.ngettext("{n} slot", "{n} slots", rows.get("slots", 0)),
        rooms=t.ngettext("{n} room", "{n} rooms", rows.get("rooms", 0)),
        ratings=t.ngettext("{n} rating", "{n} ratings", rows.get("interest", 0)),
        versions=t.ngettext("{n} schedule version", "{n} schedule versions",
                            rows.get("schedule_versions", 0)))]
    if done.dropped:
        lines.append(t.gettext("Left out, because they belong to another server: {what}. "
                               "Choose them again with /admin setup.",
                               what="; ".join(t.text(d) for d in done.dropped)))
    await say(interaction, "\n".join(lines))


@app_commands.command(name="export-calendar", description="The published timetable as an "
                                                           ".ics calendar file")
async def export_calendar(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    await say(interaction, language_for(interaction).gettext(
        "The published timetable (import it into a calendar app):"),
              file=await timetable_file(interaction.client, guild_id, actor,
                                        language_for(interaction, public=True)))


@app_commands.command(name="backup", description="A copy of the database on the bot's machine")
async def backup(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # a copy can take a while
    bot = interaction.client
    path = await bot.service.backup(bot.settings.backup_dir, guild_id=guild_id, actor=actor,
                                    keep=bot.settings.backup_keep)
    await say(interaction, language_for(interaction).gettext(
        "Backup written on the bot's machine: `{path}`. Use /admin export for a copy of this "
        "event you can download.", path=path))
