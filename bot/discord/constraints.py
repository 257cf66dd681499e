"""What the scheduler is told about a session besides interest. `/session availability|
cohosts|show`: a session's hosts (its proposer) and the organisers; `/admin session
length|track|pin|unpin|not-in-parallel`: the organisers only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import actor_of, admin_actor, guild_id_of
from bot.discord.errors import say
from bot.discord.options import (
    day_list_choices,
    id_list,
    own_sessions,
    room_choices,
    session_id,
    slot_choices,
    slot_list_choices,
)
from bot.discord.proposals import show_session
from bot.event.base import MAX_LENGTH
from bot.event.models import Pin, SessionScheduling, SlotView
from bot.event.text import plural

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

session = app_commands.Group(name="session", description="How your session is scheduled",
                             guild_only=True,
                             allowed_contexts=app_commands.AppCommandContext(guild=True))
admin_session = app_commands.Group(name="session", description="How a session is scheduled")


def slots_text(slots: tuple[SlotView, ...], none: str) -> str:
    """Slots as Discord timestamps (each reader sees their own time), a few per line."""
    if not slots:
        return none
    return ", ".join(f"#{s.id} {embeds.ts(s.start, 'f')}–{embeds.ts(s.end)}" for s in slots)


def _title(title: str, sid: int) -> str:
    return f"**{embeds.literal(title)}** (#{sid})"


# --------------------------------------------------------------------- hosts and organisers

@session.command(name="availability",
                 description="When the hosts can run the session (leave all out to see it)")
@app_commands.describe(
    session="Your session (organisers: any session)",
    slots="Slot numbers, separated by commas (the list helps)",
    days="Day numbers, separated by commas: every slot of those days",
    any_slot="True: the hosts can run it in any slot again")
@app_commands.autocomplete(session=own_sessions, slots=slot_list_choices,
                           days=day_list_choices)
async def availability(interaction: discord.Interaction[SchedulerBot], session: str,
                       slots: str | None = None, days: str | None = None,
                       any_slot: bool = False) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    service = interaction.client.service
    sid = session_id(session)
    verb = "can run"
    if any_slot or slots or days:
        await service.set_allowed_slots(
            guild_id, actor, sid, [] if any_slot else id_list(slots, "slot"),
            [] if any_slot else id_list(days, "day"))
        verb = "can now run"
    found = await service.session_scheduling(guild_id, actor, sid)
    where = slots_text(found.allowed, "in any slot")
    pinned = ("" if found.pin is None else
              "\nThe organisers pinned it, which comes first: see /session show.")
    await say(interaction, f"{_title(found.session.title, sid)} {verb}: {where}.{pinned}")


@session.command(name="cohosts", description="Add or remove a co-host of a session "
                                              "(leave both out to see them)")
@app_commands.describe(session="Your session (organisers: any session)",
                       add="Someone who hosts it with you",
                       remove="A co-host who no longer hosts it")
@app_commands.autocomplete(session=own_sessions)
async def cohosts(interaction: discord.Interaction[SchedulerBot], session: str,
                  add: discord.Member | None = None,
                  remove: discord.Member | None = None) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    service = interaction.client.service
    sid = session_id(session)
    if add is None and remove is None:
        s = (await service.session_scheduling(guild_id, actor, sid)).session
    else:
        s = await service.set_cohosts(guild_id, actor, sid,
                                      add=[] if add is None else [add.id],
                                      remove=[] if remove is None else [remove.id])
    hosts = ", ".join(f"<@{u}>" for u in (s.owner_id, *s.cohosts))
    await say(interaction, f"{_title(s.title, s.id)} is hosted by {hosts}. The scheduler "
              "never puts a host in two sessions at once.")
    if add is not None or remove is not None:
        await show_session(interaction, s, organiser=actor.is_admin)


@session.command(name="show", description="Everything the scheduler is told about a session")
@app_commands.describe(session="Your session (organisers: any session)")
@app_commands.autocomplete(session=own_sessions)
async def show(interaction: discord.Interaction[SchedulerBot], session: str) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    found = await interaction.client.service.session_scheduling(guild_id, actor,
                                                                session_id(session))
    await say(interaction, scheduling_text(found))


def scheduling_text(found: SessionScheduling) -> str:
    s = found.session
    lines = [_title(s.title, s.id),
             "Hosts: " + ", ".join(f"<@{u}>" for u in (s.owner_id, *s.cohosts)),
             "Hosts' availability: " + slots_text(found.allowed, "any slot"),
             f"Length: {plural(s.length, 'slot')}",
             f"Track: {embeds.literal(s.track) if s.track else 'none'}"]
    if found.pin is not None and found.pin.slot is not None:
        lines.append("Pinned to " + pin_text(found.pin))
    if found.not_in_parallel:
        lines.append("Never at the same time as " + ", ".join(
            f"#{i}" for i in found.not_in_parallel))
    return "\n".join(lines)


def pin_text(p: Pin) -> str:
    assert p.slot is not None
    room = ("any free room" if p.room is None
            else f"{embeds.literal(p.room.name)} (room #{p.room.id})")
    return (f"slot #{p.slot.id} {embeds.ts(p.slot.start, 'f')}–{embeds.ts(p.ends or p.slot.end)}, "
            f"{room}")


# -------------------------------------------------------------------------- organisers

@admin_session.command(name="length", description="How many consecutive slots a session "
                                                  "takes (one day, one room)")
@app_commands.describe(session="The session", slots="Consecutive slots it takes (1: one slot)")
@app_commands.autocomplete(session=own_sessions)
async def length(interaction: discord.Interaction[SchedulerBot], session: str,
                 slots: app_commands.Range[int, 1, MAX_LENGTH]) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.set_length(guild_id, actor, session_id(session), slots)
    await say(interaction, f"{_title(s.title, s.id)} takes {plural(s.length, 'slot')} from "
              "the next run.")
    await show_session(interaction, s, organiser=True)


@admin_session.command(name="track", description="A session's track (leave out to remove it)")
@app_commands.describe(session="The session",
                       track="The track's name, shared by related sessions")
@app_commands.autocomplete(session=own_sessions)
async def track(interaction: discord.Interaction[SchedulerBot], session: str,
                track: app_commands.Range[str, 1, 50] | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.set_track(guild_id, actor, session_id(session), track)
    await say(interaction, f"{_title(s.title, s.id)}: " + (f"track **{embeds.literal(s.track)}**."
                                                if s.track else "no track."))
    await show_session(interaction, s, organiser=True)


@admin_session.command(name="pin", description="Place a session in a slot (and a room) on "
                                               "every run")
@app_commands.describe(session="The session", slot="The slot it takes",
                       room="The room (leave out: any free room)")
@app_commands.autocomplete(session=own_sessions, slot=slot_choices, room=room_choices)
async def pin(interaction: discord.Interaction[SchedulerBot], session: str, slot: int,
              room: int | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    p = await interaction.client.service.pin(guild_id, actor, session_id(session), slot, room)
    await say(interaction, f"{_title(p.title, p.session_id)} is pinned to {pin_text(p)}, "
              "from the next run (a locked slot keeps what it holds).")


@admin_session.command(name="unpin", description="Let the scheduler place a session again")
@app_commands.describe(session="The session")
@app_commands.autocomplete(session=own_sessions)
async def unpin(interaction: discord.Interaction[SchedulerBot], session: str) -> None:
    guild_id, actor = await admin_actor(interaction)
    p = await interaction.client.service.pin(guild_id, actor, session_id(session), None)
    await say(interaction, f"{_title(p.title, p.session_id)} is not pinned: the scheduler "
              "places it.")


@admin_session.command(name="not-in-parallel",
                       description="Keep two sessions out of the same slot")
@app_commands.describe(session="One session", other="The other session",
                       allow="True: they may run at the same time again")
@app_commands.autocomplete(session=own_sessions, other=own_sessions)
async def not_in_parallel(interaction: discord.Interaction[SchedulerBot], session: str,
                          other: str, allow: bool = False) -> None:
    guild_id, actor = await admin_actor(interaction)
    one, two = await interaction.client.service.set_not_in_parallel(
        guild_id, actor, session_id(session), session_id(other), apart=not allow)
    a, b = embeds.literal(one), embeds.literal(two)
    await say(interaction, f"**{a}** and **{b}** may run at the same time." if allow else
              f"**{a}** and **{b}** never run at the same time, from the next run.")
