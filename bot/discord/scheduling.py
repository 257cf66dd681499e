"""Scheduling, for organisers: `/admin schedule run` computes a version and previews it (the
figures, every move against the published version with what the moves buy, explanations of the
sessions left out and of rooms too small); `/admin schedule publish` publishes it
(`bot.discord.publishing`)."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import admin_actor
from bot.discord.errors import NO_MENTIONS, say
from bot.event import changes
from bot.event.preview import Preview
from bot.event.solving import SolveProgress

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

PROGRESS_EVERY = 1.0  # seconds between edits of the progress message


KIND_WORDS = (("moved", "to another time"), ("room", "to another room"),
              ("unscheduled", "left out"), ("withdrawn", "withdrawn"),
              ("scheduled", "newly placed"))


def moved_summary(p: Preview) -> str:
    """The changes against the published version by kind, e.g. "1 to another time, 2 to
    another room, 1 left out" (the same count as the list of changes)."""
    kinds = [m.kind for m in p.moves]
    parts = [f"{kinds.count(k)} {words}" for k, words in KIND_WORDS if kinds.count(k)]
    return ", ".join(parts) or "none"


def preview_message(p: Preview) -> tuple[list[discord.Embed], discord.File | None]:
    """The preview embeds, and a text file with every move when they do not all fit."""
    v = p.version
    # against the published version, count what the list below shows (not only slot changes)
    main = embeds.preview_embed(v, p.unplaced, p.over_capacity,
                                moved=None if p.based_on is None else moved_summary(p))
    main.description = p.quality
    main.add_field(name="People beyond room capacity", inline=False, value=(
        f"{p.overflow:,}" if p.overflow_before is None
        else f"{p.overflow:,} (published version: {p.overflow_before:,})"))
    if p.based_on is None:
        return [main], None
    if p.gain is not None:
        main.add_field(name="What the moves buy", inline=False,
                       value=f"{p.gain:+,} utility: {v.utility:,} against {p.kept_utility:,} "
                       f"for keeping version #{p.based_on} as it is (same interest).")
    lines = [f"• {changes.describe(m, embeds.discord_time, embeds.literal)}" for m in p.moves]
    title = f"Changes against the published version #{p.based_on}: {len(lines)}"
    if not lines:
        return [main, discord.Embed(title=title, colour=embeds.COLOUR,
                                    description="Nothing moves.")], None
    found = embeds.described(title, lines)
    fitted = embeds.split_messages([main, *found])[0]
    if len(fitted) == 1 + len(found):
        return fitted, None
    # too many to show: the first part here, every move in the attached file
    note = discord.Embed(title=title, colour=embeds.COLOUR,
                         description=embeds.pack_lines(lines, 2500)[0] + "\n… every move is in the "
                         f"attached moves-v{v.id}.txt.")
    text = "\n".join([title, *(f"• {line}" for line in p.move_lines)]) + "\n"  # plain
    return [main, note], discord.File(io.BytesIO(text.encode()), filename=f"moves-v{v.id}.txt")


schedule = app_commands.Group(name="schedule", description="Compute and publish")


@schedule.command(name="run", description="Compute a timetable (a preview; publish after)")
async def schedule_run(interaction: discord.Interaction[SchedulerBot],
                       seconds: app_commands.Range[int, 1, 600] = 30) -> None:
    guild_id, actor = await admin_actor(interaction)
    bot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)  # private, as it ends
    message = await interaction.followup.send(
        f"Scheduling for up to {seconds}s…", wait=True, ephemeral=True,
        allowed_mentions=NO_MENTIONS)
    loop = asyncio.get_running_loop()
    last = [0.0]

    async def progress(p: SolveProgress) -> None:
        now = loop.time()
        if now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        with contextlib.suppress(discord.HTTPException):
            await message.edit(content=embeds.progress_text(p), allowed_mentions=NO_MENTIONS)

    try:
        version = await bot.service.run_schedule(
            guild_id, actor, progress=progress, time_limit=float(seconds),
            freeze_minutes=bot.settings.freeze_minutes_before)
    except Exception:
        await message.edit(content="Scheduling failed (see below).",
                           allowed_mentions=NO_MENTIONS)
        raise
    found = await bot.service.preview_version(guild_id, actor, version, embeds.discord_time,
                                              embeds.literal)
    shown, moves_file = preview_message(found)
    await message.edit(content=f"Done in {version.solve_seconds:.1f}s.", embeds=shown,
                       attachments=[moves_file] if moves_file else [],
                       allowed_mentions=NO_MENTIONS)


@schedule.command(name="seats", description="Whether rooms' capacities count when placing "
                                            "sessions (on) or are only reported (off)")
async def schedule_seats(interaction: discord.Interaction[SchedulerBot], on: bool) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.update_settings(guild_id, actor, seats_count=on)
    await say(interaction, "Seats count: on. The next run places sessions so that rooms hold "
              "the people expected." if s.seats_count else "Seats count: off. The next run "
              "ignores rooms' capacities and only reports the rooms too small.")


@schedule.command(name="publish", description="Publish a computed timetable (default: the "
                                              "latest)")
async def schedule_publish(interaction: discord.Interaction[SchedulerBot],
                           version: app_commands.Range[int, 1] | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    lines = await interaction.client.publisher.publish(guild_id, actor, version)
    await say(interaction, "\n".join(lines))
