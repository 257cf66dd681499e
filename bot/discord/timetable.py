"""The timetable's frame, for organisers: `/admin day|slot|room ...`, and `/admin timetable
import|show` (a TOML attachment replaces days, slots and rooms at once)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import admin_actor
from bot.discord.errors import say
from bot.discord.pages import Page, show_pages
from bot.event.errors import InvalidInput
from bot.event.models import RoomView, SlotView, TimetableView
from bot.event.text import plural

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

MAX_TOML_BYTES = 200_000

day = app_commands.Group(name="day", description="Days of the event")
slot = app_commands.Group(name="slot", description="Slots and breaks")
room = app_commands.Group(name="room", description="Rooms")
timetable = app_commands.Group(name="timetable", description="The whole timetable")


@day.command(name="add", description="Add a day (YYYY-MM-DD)")
@app_commands.describe(
    date="The date, YYYY-MM-DD",
    label="A name shown instead of the weekday (optional)",
)
async def day_add(interaction: discord.Interaction[SchedulerBot], date: str,
                  label: str | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    d = await interaction.client.service.add_day(guild_id, actor, date, label or "")
    await say(interaction, f"Added day #{d.id}: {embeds.literal(d.label) or d.date.isoformat()}.")


@day.command(name="remove", description="Remove a day and its slots")
@app_commands.describe(
    day="The day's number (/admin timetable show)",
    force="Also when published sessions are on it (they are unscheduled)",
)
async def day_remove(interaction: discord.Interaction[SchedulerBot], day: int,
                     force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.client.service.remove_day(guild_id, actor, day, force)
    await say(interaction, f"Removed day #{day}.")


@slot.command(name="add", description="Add a slot or break (times HH:MM, local)")
@app_commands.describe(
    day="The day's number (/admin timetable show)",
    start="Start time, HH:MM in the event's time zone",
    end="End time, HH:MM in the event's time zone",
    is_break="A break: no sessions then",
    label="A name shown with the slot (optional)",
)
async def slot_add(interaction: discord.Interaction[SchedulerBot], day: int, start: str,
                   end: str, is_break: bool = False, label: str | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.add_slot(guild_id, actor, day, start, end, is_break,
                                                  label or "")
    kind = "break" if s.is_break else "slot"
    await say(interaction, f"Added {kind} #{s.id}: {embeds.ts(s.start, 'F')}–"
              f"{embeds.ts(s.end)}.")


@slot.command(name="remove", description="Remove a slot or break")
@app_commands.describe(
    slot="The slot's number (/admin timetable show)",
    force="Also when published sessions are in it (they are unscheduled)",
)
async def slot_remove(interaction: discord.Interaction[SchedulerBot], slot: int,
                      force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.client.service.remove_slot(guild_id, actor, slot, force)
    await say(interaction, f"Removed slot #{slot}.")


@slot.command(name="lock", description="Keep this slot's sessions in place on re-runs")
@app_commands.describe(
    slot="The slot's number (/admin timetable show)",
)
async def slot_lock(interaction: discord.Interaction[SchedulerBot], slot: int) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.lock_slot(guild_id, actor, slot)
    await say(interaction, f"Slot #{s.id} is locked.")


@slot.command(name="unlock", description="Let the scheduler move this slot's sessions")
@app_commands.describe(
    slot="The slot's number (/admin timetable show)",
)
async def slot_unlock(interaction: discord.Interaction[SchedulerBot], slot: int) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.unlock_slot(guild_id, actor, slot)
    await say(interaction, f"Slot #{s.id} is unlocked.")


@room.command(name="add", description="Add a room")
@app_commands.describe(
    name="The room's name",
    capacity="How many people it holds",
    link="A link for online sessions (optional)",
)
async def room_add(interaction: discord.Interaction[SchedulerBot],
                   name: app_commands.Range[str, 1, 100],
                   capacity: app_commands.Range[int, 1, 100_000],
                   link: str | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    r = await interaction.client.service.add_room(guild_id, actor, name, capacity, link)
    await say(interaction, f"Added room #{r.id}: {embeds.literal(r.name)} ({r.capacity} seats).")


@room.command(name="remove", description="Remove a room")
@app_commands.describe(
    room="The room's number (/admin timetable show)",
    force="Also when published sessions are in it (they are unscheduled)",
)
async def room_remove(interaction: discord.Interaction[SchedulerBot], room: int,
                      force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.client.service.remove_room(guild_id, actor, room, force)
    await say(interaction, f"Removed room #{room}.")


@room.command(name="voice", description="The voice or stage channel where a room's sessions "
                                        "happen (leave out to clear)")
@app_commands.describe(
    room="The room's number (/admin timetable show)",
    channel="The voice or stage channel (leave out to clear)",
)
async def room_voice(interaction: discord.Interaction[SchedulerBot], room: int,
                     channel: discord.VoiceChannel | discord.StageChannel | None = None
                     ) -> None:
    guild_id, actor = await admin_actor(interaction)
    r = await interaction.client.service.edit_room(
        guild_id, actor, room, voice_channel_id=None if channel is None else channel.id)
    where = (f"<#{r.voice_channel_id}>" if r.voice_channel_id else
             "no channel (Discord events show the room's name as their location)")
    await say(interaction, f"Room #{r.id} {embeds.literal(r.name)}: {where}. Publish again to "
              "move its Discord events.")


@timetable.command(name="import", description="Replace days, slots and rooms by a TOML file")
@app_commands.describe(
    file="A TOML file of days, slots and rooms (see docs/bot.md)",
    force="Also when a published timetable uses the current one",
)
async def timetable_import(interaction: discord.Interaction[SchedulerBot],
                           file: discord.Attachment, force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    if file.size > MAX_TOML_BYTES:  # before downloading it; the rules check the text itself
        raise InvalidInput(f"The file is too large for a timetable ({MAX_TOML_BYTES // 1000} kB "
                           "at most).")
    # downloading, parsing and writing a big timetable can outlast Discord's 3 seconds
    await interaction.response.defer(ephemeral=True, thinking=True)
    r = await interaction.client.service.import_timetable_toml(guild_id, actor,
                                                               await file.read(), force)
    n = plural
    breaks = (f" ({r.breaks} of them {'a break' if r.breaks == 1 else 'breaks'})"
              if r.breaks else "")
    await say(interaction, f"Imported {n(r.days, 'day')}, {n(r.slots, 'slot')}{breaks} "
              f"and {n(r.rooms, 'room')}. Check it with /admin timetable show.")


@timetable.command(name="show", description="Days, slots and rooms with their ids")
async def timetable_show(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    service = interaction.client.service

    async def render(n: int) -> Page:
        found = timetable_pages(await service.timetable(guild_id, actor))
        n = min(max(1, n), len(found))
        return found[n - 1], n, len(found)

    await show_pages(interaction, render)


def timetable_pages(tv: TimetableView) -> list[discord.Embed]:
    """Every day with its slots, and every room, with their ids: as many pages as they take,
    a day that goes on over a page break named again at the top of the next page."""
    groups = []
    for d in tv.days:
        label = f"{embeds.literal(d.label)} · " if d.label else ""
        groups.append((f"**Day #{d.id}** · {label}{d.date.isoformat()}",
                       [_slot_line(s) for s in d.slots] or ["no slots yet"]))
    groups.append(("**Rooms**", [_room_line(r) for r in tv.rooms] or ["no rooms yet"]))
    pages = [[f"Timezone: {tv.timezone}"]]

    def fits(*lines: str) -> bool:
        return len("\n".join([*pages[-1], *lines])) <= embeds.DESCRIPTION

    for head, lines in groups:
        if not fits(head, lines[0]):
            pages.append([])
        pages[-1].append(head)
        for line in lines:
            if not fits(line):
                pages.append([f"{head} (continued)"])
            pages[-1].append(line)
    return [discord.Embed(title="Timetable", colour=embeds.COLOUR, description="\n".join(page))
            .set_footer(text=f"Page {i}/{len(pages)} · ids for the /admin day, slot and room "
                             "commands")
            for i, page in enumerate(pages, 1)]


def _slot_line(s: SlotView) -> str:
    parts = [f"Slot #{s.id}: {embeds.ts(s.start)}–{embeds.ts(s.end)}"]
    if s.label:
        parts.append(embeds.literal(s.label))
    if s.is_break:
        parts.append("break")
    if s.locked:
        parts.append("🔒 locked")
    return " · ".join(parts)


def _room_line(r: RoomView) -> str:
    voice = f" · <#{r.voice_channel_id}>" if r.voice_channel_id else ""
    return f"Room #{r.id}: {embeds.literal(r.name)} ({plural(r.capacity, 'seat')}){voice}"
