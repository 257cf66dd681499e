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
from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import admin_actor
from bot.discord.direct import send_dm
from bot.discord.errors import NO_MENTIONS, say, token_expired, within_window
from bot.discord.languages import language_for
from bot.discord.picture import TimetablePictures
from bot.event import changes
from bot.event.errors import RunStopped
from bot.event.models import Actor
from bot.event.preview import Preview
from bot.event.runs import NO_WORKER
from bot.event.solving import SolveProgress
from bot.event.times import from_utc_text
from bot.i18n import ENGLISH, N_, SOURCE, Language

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
PROGRESS_EVERY = 1.0  # seconds between edits of the progress message
WAITING_FOR_WORKER = N_("Waiting for a solve worker: none is running. The bot's operator starts "
                        "them with `session-scheduler worker`; this run starts as soon as one "
                        "does (or stop it with /admin schedule stop).")


#: How many sessions changed, by kind ("{n} to another time"), in the order shown.
KIND_WORDS = (("moved", N_("{n} to another time")), ("room", N_("{n} to another room")),
              ("unscheduled", N_("{n} left out")), ("withdrawn", N_("{n} withdrawn")),
              ("scheduled", N_("{n} newly placed")))


def moved_summary(p: Preview, t: Language = ENGLISH) -> str:
    """The changes against the published version by kind, e.g. "1 to another time, 2 to
    another room, 1 left out" (the same count as the list of changes)."""
    kinds = [m.kind for m in p.moves]
    parts = [t.text(replace(words, params={"n": kinds.count(k)})) for k, words in KIND_WORDS
             if kinds.count(k)]
    return ", ".join(parts) or t.pgettext("an empty list", "none")


def preview_message(p: Preview, t: Language = ENGLISH
                    ) -> tuple[list[discord.Embed], discord.File | None]:
    """The preview embeds, and a text file with every move when they do not all fit; `p`'s
    sentences are already in `t`, the reader's language."""
    v = p.version
    # against the published version, count what the list below shows (not only slot changes)
    unplaced = p.unplaced if p.unplaced_advice is None else (p.unplaced_advice, *p.unplaced)
    main = embeds.preview_embed(v, unplaced, p.over_capacity,
                                moved=None if p.based_on is None else moved_summary(p, t), t=t)
    main.description = p.quality
    overflow = embeds.number(p.overflow, t)
    main.add_field(name=t.gettext("People beyond room capacity"), inline=False, value=(
        overflow if p.overflow_before is None
        else t.gettext("{overflow} (published version: {before})", overflow=overflow,
                       before=embeds.number(p.overflow_before, t))))
    if p.based_on is None:
        return [main], None
    if p.gain is not None:
        gain = f"{p.gain:+,}" if t.code == SOURCE else (
            ("+" if p.gain >= 0 else "") + embeds.number(p.gain, t))
        main.add_field(name=t.gettext("What the moves buy"), inline=False, value=t.gettext(
            "{gain} utility: {utility} against {kept} for keeping version #{version} as it is "
            "(same interest).", gain=gain, utility=embeds.number(v.utility, t),
            kept=embeds.number(p.kept_utility or 0, t), version=p.based_on))
    lines = [f"• {changes.describe(m, embeds.discord_time, embeds.literal, t)}"
             for m in p.moves]
    title = t.gettext("Changes against the published version #{version}: {n}",
                      version=p.based_on, n=len(lines))
    if not lines:
        return [main, discord.Embed(title=title, colour=embeds.COLOUR,
                                    description=t.gettext("Nothing moves."))], None
    found = embeds.described(title, lines, t=t)
    fitted = embeds.split_messages([main, *found])[0]
    if len(fitted) == 1 + len(found):
        return fitted, None
    # too many to show: the first part here, every move in the attached file
    name = f"moves-v{v.id}.txt"
    note = discord.Embed(title=title, colour=embeds.COLOUR,
                         description=embeds.pack_lines(lines, 2500)[0] + "\n" + t.gettext(
                             "… every move is in the attached {file}.", file=name))
    text = "\n".join([title, *(f"• {line}" for line in p.move_lines)]) + "\n"  # plain
    return [main, note], discord.File(io.BytesIO(text.encode()), filename=name)


async def send_preview(interaction: discord.Interaction[SchedulerBot], p: Preview,
                       text: str, first: discord.WebhookMessage | None = None) -> None:
    """The preview as private messages: the figures and changes (in `first` when given, the
    run's progress message), then the version's picture and its timetable as attendees would
    see them once published (in the server's language, as they will read it); the rest in the
    reader's."""
    bot = interaction.client
    t = language_for(interaction)
    public = language_for(interaction, public=True)
    shown, moves_file = preview_message(p, t)
    if first is not None:
        await first.edit(content=text, embeds=shown,
                         attachments=[moves_file] if moves_file else [],
                         allowed_mentions=NO_MENTIONS)
    else:
        await say(interaction, text, embeds=shown, **({"file": moves_file} if moves_file else {}))
    v = p.version
    if any(d.slots for d in p.timetable.days):
        event = p.event_name or public.pgettext("the published schedule", "Timetable")
        name = public.gettext("{event} · version #{version}", version=v.id, event=event)
        pictures = await TimetablePictures.draw(p.timetable, name, p.rooms, public)
        groups = TimetablePictures.files(pictures)
        for i, files in enumerate(groups, 1):
            said = (t.gettext("Version #{version} as pictures, one a day (the published one).",
                              version=v.id) if v.published else
                    t.gettext("Version #{version} as pictures, one a day (not published: only "
                              "you see it).", version=v.id))
            if len(groups) > 1:
                said += " " + t.gettext("Part {part} of {parts}.", part=i, parts=len(groups))
            await say(interaction, said, files=files)
        guild_id = interaction.guild_id
        threads = await bot.threads.thread_ids(guild_id) if guild_id is not None else None
        messages = embeds.split_messages(
            e for _, m in embeds.timetable_messages(p.timetable, None, threads, guild_id,
                                                    t=public)
            for e in m)
        for i, found in enumerate(messages):
            await say(interaction, t.gettext("As attendees would see it:") if i == 0 else "",
                      embeds=found)
    await say(interaction, t.gettext("End of version #{version}, the published one.",
                                     version=v.id) if v.published else
              t.gettext("End of the preview of version #{version}: publish it with /admin "
                        "schedule publish version:{version}.", version=v.id))


schedule = app_commands.Group(name="schedule", description="Compute, preview and publish")


@schedule.command(name="run", description="Compute a timetable (a private preview; publish after)")
@app_commands.describe(seconds="How long the scheduler may search, in seconds (default 30)")
async def schedule_run(interaction: discord.Interaction[SchedulerBot],
                       seconds: app_commands.Range[int, 1, 600] = 30) -> None:
    guild_id, actor = await admin_actor(interaction)
    bot = interaction.client
    t = language_for(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # private, as it ends
    # started first: a refusal (a run already going on) is then the only answer shown
    run = await bot.service.start_schedule_run(
        guild_id, actor, time_limit=float(seconds),
        freeze_minutes=bot.settings.freeze_minutes_before)
    message = await interaction.followup.send(
        t.gettext("Scheduling for up to {seconds}s…", seconds=seconds), wait=True,
        ephemeral=True, allowed_mentions=NO_MENTIONS)
    loop = asyncio.get_running_loop()
    last = [0.0]
    expired = [False]

    async def progress(p: SolveProgress) -> None:
        now = loop.time()
        if expired[0] or now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        try:
            await message.edit(content=embeds.progress_text(p, t),
                               allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as e:
            expired[0] = token_expired(e)  # then no more edits; a passing failure is skipped

    async def waiting(reason: str | None) -> None:
        text = (t.text(WAITING_FOR_WORKER) if reason == NO_WORKER
                else t.gettext("A solve worker is running: scheduling for up to {seconds}s as "
                               "soon as it is free…", seconds=seconds))
        try:
            await message.edit(content=text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as e:
            expired[0] = expired[0] or token_expired(e)

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
    t = language_for(interaction)
    try:
        version = await bot.service.wait_for_run(guild_id, actor, run_id, progress=progress,
                                                 waiting=waiting)
    except Exception as e:
        what = "stopped" if isinstance(e, RunStopped) else "failed"
        try:
            said = (t.gettext("Scheduling stopped (see below).") if what == "stopped"
                    else t.gettext("Scheduling failed (see below)."))
            await message.edit(content=said, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as err:
            log.warning("could not say that /admin schedule run %s %s: %s", interaction.id,
                        what, err)
        raise
    try:
        found = await bot.service.preview_version(guild_id, actor, version, embeds.discord_time,
                                                  embeds.literal, t)
        await send_preview(interaction, found, t.gettext(
            "Done in {seconds}s.", seconds=embeds.decimal(version.solve_seconds, 1, t)), message)
    except discord.HTTPException as e:
        if not token_expired(e):
            raise
        await too_late(bot, actor.user_id, version.id, t)


async def too_late(bot: SchedulerBot, user_id: int, version_id: int,
                   t: Language = ENGLISH) -> None:
    """The run outlasted the interaction's token: the organiser hears by DM where to look (in
    the language they ran it in)."""
    outcome = await send_dm(
        bot, user_id,
        t.gettext("Your /admin schedule run finished: version #{version} is computed, but "
                  "Discord lets me answer a command for 15 minutes only. See it (privately) with "
                  "/admin schedule preview version:{version}, and publish it with /admin "
                  "schedule publish version:{version}.", version=version_id))
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
    t = language_for(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # the picture takes a moment
    service = interaction.client.service
    v = await service.schedule_version(guild_id, actor, version)
    found = await service.preview_version(guild_id, actor, v, embeds.discord_time,
                                          embeds.literal, t)
    when = embeds.discord_time(from_utc_text(v.created_at))
    await send_preview(interaction, found, t.gettext(
        "Version #{version} (the published version), computed {when}.", version=v.id,
        when=when) if v.published else t.gettext("Version #{version}, computed {when}.",
                                                 version=v.id, when=when))


@schedule.command(name="stop", description="Stop the running scheduler early (the best "
                                           "timetable found so far is kept)")
async def schedule_stop(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    t = language_for(interaction)
    run = await within_window(interaction, interaction.client.service.cancel_run(guild_id, actor))
    if run.status == "cancelled":
        await say(interaction, t.gettext("Stopped before it started: nothing was computed."))
    else:
        await say(interaction, t.gettext("Stopping: the best timetable found so far will be "
                                         "shown in the run's message, as a version you can "
                                         "publish."))


@schedule.command(name="seats", description="Whether rooms' capacities count when placing "
                                            "sessions (on) or are only reported (off)")
@app_commands.describe(on="True: rooms' capacities count when placing sessions; False: they are "
                          "only reported")
async def schedule_seats(interaction: discord.Interaction[SchedulerBot], on: bool) -> None:
    guild_id, actor = await admin_actor(interaction)
    t = language_for(interaction)
    s = await interaction.client.service.update_settings(guild_id, actor, seats_count=on)
    await say(interaction, t.gettext("Seats count: on. The next run places sessions so that "
                                     "rooms hold the people expected.") if s.seats_count else
              t.gettext("Seats count: off. The next run ignores rooms' capacities and only "
                        "reports the rooms too small."))


@schedule.command(name="publish", description="Publish a computed timetable (default: the "
                                              "latest)")
@app_commands.describe(version="The version number to publish (default: the latest computed)")
async def schedule_publish(interaction: discord.Interaction[SchedulerBot],
                           version: app_commands.Range[int, 1] | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    lines = await interaction.client.publisher.publish(guild_id, actor, version,
                                                       t=language_for(interaction))
    await say(interaction, "\n".join(lines))
