"""Copies of the event for organisers: `/admin export` (JSON), `/admin export-calendar` (.ics)
and `/admin backup` (the database, on the bot's machine)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import admin_actor
from bot.discord.errors import say
from bot.discord.published import timetable_file

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot


@app_commands.command(name="export", description="The whole event as a JSON file")
async def export(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    text = await interaction.client.service.export_event_json(guild_id, actor)
    name = f"event-{guild_id}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    await say(interaction, "The event's data:",
              file=discord.File(io.BytesIO(text.encode()), filename=name))


@app_commands.command(name="export-calendar", description="The published timetable as an "
                                                           ".ics calendar file")
async def export_calendar(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    await say(interaction, "The published timetable (import it into a calendar app):",
              file=await timetable_file(interaction.client, guild_id, actor))


@app_commands.command(name="backup", description="A copy of the database on the bot's machine")
async def backup(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # a copy can take a while
    bot = interaction.client
    path = await bot.service.backup(bot.settings.backup_dir, guild_id=guild_id, actor=actor,
                                    keep=bot.settings.backup_keep)
    await say(interaction, f"Backup written on the bot's machine: `{path}`. Use "
              "/admin export for a copy of this event you can download.")
