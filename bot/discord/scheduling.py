"""Scheduling, for organisers: `/admin schedule run` computes a version and previews it;
`/admin schedule stop` ends a run early; `/admin schedule preview` shows any stored version
again; `/admin schedule publish` publishes one (`bot.discord.publishing`).

The preview is private (ephemeral) and shows what publishing would: the figures, every move
against the published version with what the moves buy, the sessions left out and the rooms too
small with what to do about them, and the timetable itself, as the embeds and the picture
attendees would get (the same renderers). Discord lets a command's answer be edited and
followed up for 15 minutes only: a run whose answer comes later tells the organiser by DM where
to see it."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import admin_actor
from bot.discord.direct import send_dm
from bot.discord.errors import NO_MENTIONS, say, token_expired, within_window
from bot.discord.picture import TimetablePictures
from bot.event import changes
from bot.event.errors import RunStopped
from bot.event.models import Actor
from bot.event.preview import Preview
from bot.event.runs import NO_WORKER
from bot.event.solving import SolveProgress
from bot.event.times import from_utc_text

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
PROGRESS_EVERY = 1.0  # seconds between edits of the progress message
WAITING_FOR_WORKER = ("Waiting for a solve worker: none is running. The bot's operator starts "
                      "them with `session-scheduler worker`; this run starts as soon as one "
                      "does (or stop it with /admin schedule stop).")


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
    unplaced = p.unplaced if p.unplaced_advice is None else (p.unplaced_advice, *p.unplaced)
    main = embeds.preview_embed(v, unplaced, p.over_capacity,
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


async def send_preview(interaction: discord.Interaction[SchedulerBot], p: Preview,
                       text: str, first: discord.WebhookMessage | None = None) -> None:
    """The preview as private messages: the figures and changes (in `first` when given, the
    run's progress message), then the version's picture and its timetable as attendees would
    see them once published."""
    bot = interaction.client
    shown, moves_file = preview_message(p)
    if first is not None:
        await first.edit(content=text, embeds=shown,
                         attachments=[moves_file] if moves_file else [],
                         allowed_mentions=NO_MENTIONS)
    else:
        await say(interaction, text, embeds=shown, **({"file": moves_file} if moves_file else {}))
    v = p.version
    if any(d.slots for d in p.timetable.days):
        state = "the published one" if v.published else "not published: only you see it"
        name = f"{p.event_name or 'Timetable'} · version #{v.id}"
        pictures = await TimetablePictures.draw(p.timetable, name, p.rooms)
        groups = TimetablePictures.files(pictures)
        for i, files in enumerate(groups, 1):
            part = f" Part {i} of {len(groups)}." if len(groups) > 1 else ""
            await say(interaction, f"Version #{v.id} as pictures, one a day ({state}).{part}",
                      files=files)
        guild_id = interaction.guild_id
        threads = await bot.threads.thread_ids(guild_id) if guild_id is not None else None
        messages = embeds.split_messages(
            e for _, m in embeds.timetable_messages(p.timetable, None, threads, guild_id)
            for e in m)
        for i, found in enumerate(messages):
            await say(interaction, "As attendees would see it:" if i == 0 else "",
                      embeds=found)
    await say(interaction, f"End of version #{v.id}, the published one." if v.published else
              f"End of the preview of version #{v.id}: publish it with /admin schedule publish "
              f"version:{v.id}.")


schedule = app_commands.Group(name="schedule", description="Compute, preview and publish")


@schedule.command(name="run", description="Compute a timetable (a private preview; publish after)")
@app_commands.describe(seconds="How long the scheduler may search, in seconds (default 30)")
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
    expired = [False]

    async def progress(p: SolveProgress) -> None:
        now = loop.time()
        if expired[0] or now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        try:
            await message.edit(content=embeds.progress_text(p), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as e:
            expired[0] = token_expired(e)  # then no more edits; a passing failure is skipped

    async def waiting(reason: str | None) -> None:
        text = (WAITING_FOR_WORKER if reason == NO_WORKER
                else f"A solve worker is running: scheduling for up to {seconds}s as soon as "
                     "it is free…")
        try:
            await message.edit(content=text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as e:
            expired[0] = expired[0] or token_expired(e)

    run = await bot.service.start_schedule_run(
        guild_id, actor, time_limit=float(seconds),
        freeze_minutes=bot.settings.freeze_minutes_before)
    await bot.run_replies.remember(run.id, interaction, message)  # finished after a restart
    try:
        await _finish_run(interaction, guild_id, actor, run.id, message, progress, waiting)
    except asyncio.CancelledError:
        raise  # this process stops: the guild's next owner finishes the message
    except Exception:
        await bot.run_replies.forget(run.id)
        raise
    await bot.run_replies.forget(run.id)


async def _finish_run(interaction: discord.Interaction[SchedulerBot], guild_id: int,
                      actor: Actor, run_id: int, message: discord.WebhookMessage, progress,
                      waiting) -> None:
    """Follow the run to its end and show its preview in `message` (or why it ended)."""
    bot = interaction.client
    try:
        version = await bot.service.wait_for_run(guild_id, actor, run_id, progress=progress,
                                                 waiting=waiting)
    except Exception as e:
        what = "stopped" if isinstance(e, RunStopped) else "failed"
        try:
            await message.edit(content=f"Scheduling {what} (see below).",
                               allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as err:
            log.warning("could not say that /admin schedule run %s %s: %s", interaction.id,
                        what, err)
        raise
    try:
        found = await bot.service.preview_version(guild_id, actor, version, embeds.discord_time,
                                                  embeds.literal)
        await send_preview(interaction, found, f"Done in {version.solve_seconds:.1f}s.", message)
    except discord.HTTPException as e:
        if not token_expired(e):
            raise
        await too_late(bot, actor.user_id, version.id)


async def too_late(bot: SchedulerBot, user_id: int, version_id: int) -> None:
    """The run outlasted the interaction's token: the organiser hears by DM where to look."""
    outcome = await send_dm(
        bot, user_id,
        f"Your /admin schedule run finished: version #{version_id} is computed, but Discord "
        "lets me answer a command for 15 minutes only. See it (privately) with /admin schedule "
        f"preview version:{version_id}, and publish it with /admin schedule publish "
        f"version:{version_id}.")
    if outcome != "sent":
        log.warning("version %s is computed; its organiser could not be told (%s)",
                    version_id, outcome)


@schedule.command(name="preview", description="Show a computed timetable privately, before "
                                              "publishing it (default: the latest)")
@app_commands.describe(version="The version number that /admin schedule run showed (default: "
                               "the latest)")
async def schedule_preview(interaction: discord.Interaction[SchedulerBot],
                           version: app_commands.Range[int, 1] | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # the picture takes a moment
    service = interaction.client.service
    v = await service.schedule_version(guild_id, actor, version)
    found = await service.preview_version(guild_id, actor, v, embeds.discord_time,
                                          embeds.literal)
    note = " (the published version)" if v.published else ""
    await send_preview(interaction, found, f"Version #{v.id}{note}, computed "
                       f"{embeds.discord_time(from_utc_text(v.created_at))}.")


@schedule.command(name="stop", description="Stop the running scheduler early (the best "
                                           "timetable found so far is kept)")
async def schedule_stop(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    run = await within_window(interaction, interaction.client.service.cancel_run(guild_id, actor))
    if run.status == "cancelled":
        await say(interaction, "Stopped before it started: nothing was computed.")
    else:
        await say(interaction, "Stopping: the best timetable found so far will be shown in "
                               "the run's message, as a version you can publish.")


@schedule.command(name="seats", description="Whether rooms' capacities count when placing "
                                            "sessions (on) or are only reported (off)")
@app_commands.describe(on="True: rooms' capacities count when placing sessions; False: they are "
                          "only reported")
async def schedule_seats(interaction: discord.Interaction[SchedulerBot], on: bool) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.update_settings(guild_id, actor, seats_count=on)
    await say(interaction, "Seats count: on. The next run places sessions so that rooms hold "
              "the people expected." if s.seats_count else "Seats count: off. The next run "
              "ignores rooms' capacities and only reports the rooms too small.")


@schedule.command(name="publish", description="Publish a computed timetable (default: the "
                                              "latest)")
@app_commands.describe(version="The version number to publish (default: the latest computed)")
async def schedule_publish(interaction: discord.Interaction[SchedulerBot],
                           version: app_commands.Range[int, 1] | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    lines = await interaction.client.publisher.publish(guild_id, actor, version)
    await say(interaction, "\n".join(lines))
