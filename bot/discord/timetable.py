"""The timetable's frame, for organisers: `/admin day|slot|room ...`, and `/admin timetable
import|show` (a TOML attachment replaces days, slots and rooms at once)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import admin_actor
from bot.discord.errors import say
from bot.discord.languages import language_for
from bot.discord.options import any_slot_choices, day_choices, room_choices
from bot.discord.pages import Page, show_pages
from bot.event.errors import InvalidInput
from bot.event.models import RoomView, SlotView, TimetableView
from bot.event.times import day_name
from bot.i18n import ENGLISH, N_, Language

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
    t = language_for(interaction)
    await say(interaction, t.gettext("Added day #{id}: {day} ({date}).", id=d.id,
                                     day=embeds.literal(day_name(d.date, d.label, t)),
                                     date=d.date.isoformat()))


@day.command(name="remove", description="Remove a day and its slots")
@app_commands.autocomplete(day=day_choices)
@app_commands.describe(
    day="The day (pick from the list, or its number)",
    force="Also when published sessions are on it (they are unscheduled)",
)
async def day_remove(interaction: discord.Interaction[SchedulerBot], day: int,
                     force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.client.service.remove_day(guild_id, actor, day, force)
    await say(interaction, language_for(interaction).gettext("Removed day #{id}.", id=day))


@slot.command(name="add", description="Add a slot or break (times HH:MM, local)")
@app_commands.autocomplete(day=day_choices)
@app_commands.describe(
    day="The day (pick from the list, or its number)",
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
    t = language_for(interaction)
    start, end = embeds.ts(s.start, "F"), embeds.ts(s.end)
    await say(interaction, t.gettext("Added break #{id}: {start}–{end}.", id=s.id, start=start,
                                     end=end) if s.is_break
              else t.gettext("Added slot #{id}: {start}–{end}.", id=s.id, start=start, end=end))


@slot.command(name="remove", description="Remove a slot or break")
@app_commands.autocomplete(slot=any_slot_choices)
@app_commands.describe(
    slot="The slot (pick from the list, or its number)",
    force="Also when published sessions are in it (they are unscheduled)",
)
async def slot_remove(interaction: discord.Interaction[SchedulerBot], slot: int,
                      force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.client.service.remove_slot(guild_id, actor, slot, force)
    await say(interaction, language_for(interaction).gettext("Removed slot #{id}.", id=slot))


@slot.command(name="lock", description="Keep this slot's sessions in place on re-runs")
@app_commands.autocomplete(slot=any_slot_choices)
@app_commands.describe(
    slot="The slot (pick from the list, or its number)",
)
async def slot_lock(interaction: discord.Interaction[SchedulerBot], slot: int) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.lock_slot(guild_id, actor, slot)
    await say(interaction, language_for(interaction).gettext("Slot #{id} is locked.", id=s.id))


@slot.command(name="unlock", description="Let the scheduler move this slot's sessions")
@app_commands.autocomplete(slot=any_slot_choices)
@app_commands.describe(
    slot="The slot (pick from the list, or its number)",
)
async def slot_unlock(interaction: discord.Interaction[SchedulerBot], slot: int) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.unlock_slot(guild_id, actor, slot)
    await say(interaction, language_for(interaction).gettext("Slot #{id} is unlocked.",
                                                             id=s.id))


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
    await say(interaction, language_for(interaction).ngettext(
        "Added room #{id}: {name} ({n} seat).", "Added room #{id}: {name} ({n} seats).",
        r.capacity, id=r.id, name=embeds.literal(r.name)))


@room.command(name="remove", description="Remove a room")
@app_commands.autocomplete(room=room_choices)
@app_commands.describe(
    room="The room (pick from the list, or its number)",
    force="Also when published sessions are in it (they are unscheduled)",
)
async def room_remove(interaction: discord.Interaction[SchedulerBot], room: int,
                      force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    await interaction.client.service.remove_room(guild_id, actor, room, force)
    await say(interaction, language_for(interaction).gettext("Removed room #{id}.", id=room))


@room.command(name="voice", description="The voice or stage channel where a room's sessions "
                                        "happen (leave out to clear)")
@app_commands.autocomplete(room=room_choices)
@app_commands.describe(
    room="The room (pick from the list, or its number)",
    channel="The voice or stage channel (leave out to clear)",
)
async def room_voice(interaction: discord.Interaction[SchedulerBot], room: int,
                     channel: discord.VoiceChannel | discord.StageChannel | None = None
                     ) -> None:
    guild_id, actor = await admin_actor(interaction)
    r = await interaction.client.service.edit_room(
        guild_id, actor, room, voice_channel_id=None if channel is None else channel.id)
    t = language_for(interaction)
    name = embeds.literal(r.name)
    channel = f"<#{r.voice_channel_id}>"
    await say(interaction, t.gettext(
        "Room #{id} {name}: {channel}. Publish again to move its Discord events.", id=r.id,
        name=name, channel=channel) if r.voice_channel_id else t.gettext(
        "Room #{id} {name}: no channel (Discord events show the room's name as their "
        "location). Publish again to move its Discord events.", id=r.id, name=name))


@timetable.command(name="import", description="Replace days, slots and rooms by a TOML file")
@app_commands.describe(
    file="A TOML file of days, slots and rooms (see docs/bot.md)",
    force="Also when a published timetable uses the current one",
)
async def timetable_import(interaction: discord.Interaction[SchedulerBot],
                           file: discord.Attachment, force: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    if file.size > MAX_TOML_BYTES:  # before downloading it; the rules check the text itself
        raise InvalidInput(N_("The file is too large for a timetable ({kb} kB at most).",
                              kb=MAX_TOML_BYTES // 1000))
    # downloading, parsing and writing a big timetable can outlast Discord's 3 seconds
    await interaction.response.defer(ephemeral=True, thinking=True)
    r = await interaction.client.service.import_timetable_toml(guild_id, actor,
                                                               await file.read(), force)
    t = language_for(interaction)
    days = t.ngettext("{n} day", "{n} days", r.days)
    slots = t.ngettext("{n} slot", "{n} slots", r.slots)
    rooms = t.ngettext("{n} room", "{n} rooms", r.rooms)
    if r.breaks:
        text = t.ngettext(
            "Imported {days}, {slots} ({n} of them a break) and {rooms}. Check it with /admin "
            "timetable show.",
            "Imported {days}, {slots} ({n} of them breaks) and {rooms}. Check it with /admin "
            "timetable show.", r.breaks, days=days, slots=slots, rooms=rooms)
    else:
        text = t.gettext("Imported {days}, {slots} and {rooms}. Check it with /admin timetable "
                         "show.", days=days, slots=slots, rooms=rooms)
    await say(interaction, text)


@timetable.command(name="show", description="Days, slots and rooms with their ids")
async def timetable_show(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    service = interaction.client.service

    t = language_for(interaction)

    async def render(n: int) -> Page:
        found = timetable_pages(await service.timetable(guild_id, actor), t)
        n = min(max(1, n), len(found))
        return found[n - 1], n, len(found)

    await show_pages(interaction, render)


def timetable_pages(tv: TimetableView, language: Language = ENGLISH) -> list[discord.Embed]:
    """Every day with its slots, and every room, with their ids: as many pages as they take,
    a day that goes on over a page break named again at the top of the next page."""
    t = language
    groups = []
    for d in tv.days:
        label = f"{embeds.literal(d.label)} · " if d.label else ""
        groups.append((t.gettext("**Day #{id}** · {label}{date}", id=d.id, label=label,
                                 date=d.date.isoformat()),
                       [_slot_line(s, t) for s in d.slots] or [t.gettext("no slots yet")]))
    groups.append((t.gettext("**Rooms**"),
                   [_room_line(r, t) for r in tv.rooms] or [t.gettext("no rooms yet")]))
    pages = [[t.gettext("Timezone: {timezone}", timezone=tv.timezone)]]

    def fits(*lines: str) -> bool:
        return len("\n".join([*pages[-1], *lines])) <= embeds.DESCRIPTION

    for head, lines in groups:
        if not fits(head, lines[0]):
            pages.append([])
        pages[-1].append(head)
        for line in lines:
            if not fits(line):
                pages.append([t.gettext("{heading} (continued)", heading=head)])
            pages[-1].append(line)
    return [discord.Embed(title=t.gettext("Timetable"), colour=embeds.COLOUR,
                          description="\n".join(page))
            .set_footer(text=t.gettext("Page {page}/{pages} · ids for the /admin day, slot and "
                                       "room commands", page=i, pages=len(pages)))
            for i, page in enumerate(pages, 1)]


def _slot_line(s: SlotView, t: Language) -> str:
    parts = [t.gettext("Slot #{id}: {start}–{end}", id=s.id, start=embeds.ts(s.start),
                       end=embeds.ts(s.end))]
    if s.label:
        parts.append(embeds.literal(s.label))
    if s.is_break:
        parts.append(t.gettext("break"))
    if s.locked:
        parts.append(t.gettext("🔒 locked"))
    return " · ".join(parts)


def _room_line(r: RoomView, t: Language) -> str:
    voice = f" · <#{r.voice_channel_id}>" if r.voice_channel_id else ""
    return t.ngettext("Room #{id}: {name} ({n} seat){voice}",
                      "Room #{id}: {name} ({n} seats){voice}", r.capacity, id=r.id,
                      name=embeds.literal(r.name), voice=voice)
