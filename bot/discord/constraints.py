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
from bot.discord.languages import language_for
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
from bot.i18n import ENGLISH, Language

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

session = app_commands.Group(name="session", description="How your session is scheduled",
                             guild_only=True,
                             allowed_contexts=app_commands.AppCommandContext(guild=True))
admin_session = app_commands.Group(name="session", description="How a session is scheduled")


def slots_text(slots: tuple[SlotView, ...], none: str) -> str:
    """Slots as Discord timestamps (each reader sees their own time and language), a few per
    line; `none` (already in the reader's language) when there are none."""
    if not slots:
        return none
    return ", ".join(f"#{s.id} {embeds.ts(s.start, 'f')}–{embeds.ts(s.end)}" for s in slots)


def _title(title: str, sid: int) -> str:
    return f"**{embeds.literal(title)}** (#{sid})"


def _hosts(s) -> str:
    return ", ".join(f"<@{u}>" for u in (s.owner_id, *s.cohosts))


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
    t = language_for(interaction)
    sid = session_id(session)
    changed = bool(any_slot or slots or days)
    if changed:
        await service.set_allowed_slots(
            guild_id, actor, sid, [] if any_slot else id_list(slots, "slot"),
            [] if any_slot else id_list(days, "day"))
    found = await service.session_scheduling(guild_id, actor, sid)
    session_words = _title(found.session.title, sid)
    if not found.allowed:
        text = (t.gettext("The hosts of {session} can now run it in any slot.",
                          session=session_words) if changed else
                t.gettext("The hosts of {session} can run it in any slot.",
                          session=session_words))
    else:
        where = slots_text(found.allowed, "")
        text = (t.gettext("{session} can now run: {slots}.", session=session_words,
                          slots=where) if changed else
                t.gettext("{session} can run: {slots}.", session=session_words, slots=where))
    if found.pin is not None:
        text += "\n" + t.gettext("The organisers pinned it, which comes first: see /session "
                                 "show.")
    await say(interaction, text)


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
    await say(interaction, language_for(interaction).gettext(
        "{session} is hosted by {hosts}. The scheduler never puts a host in two sessions at "
        "once.", session=_title(s.title, s.id), hosts=_hosts(s)))
    if add is not None or remove is not None:
        await show_session(interaction, s, organiser=actor.is_admin)


@session.command(name="show", description="Everything the scheduler is told about a session")
@app_commands.describe(session="Your session (organisers: any session)")
@app_commands.autocomplete(session=own_sessions)
async def show(interaction: discord.Interaction[SchedulerBot], session: str) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    found = await interaction.client.service.session_scheduling(guild_id, actor,
                                                                session_id(session))
    await say(interaction, scheduling_text(found, language_for(interaction)))


def scheduling_text(found: SessionScheduling, language: Language = ENGLISH) -> str:
    t, s = language, found.session
    lines = [_title(s.title, s.id),
             t.gettext("Hosts: {hosts}", hosts=_hosts(s)),
             t.gettext("Hosts' availability: {slots}",
                       slots=slots_text(found.allowed, t.gettext("any slot"))),
             t.ngettext("Length: {n} slot", "Length: {n} slots", s.length),
             t.gettext("Track: {track}", track=embeds.literal(s.track)) if s.track else
             t.gettext("Track: none")]
    if found.pin is not None and found.pin.slot is not None:
        lines.append(t.gettext("Pinned to {where}", where=pin_text(found.pin, t)))
    if found.not_in_parallel:
        lines.append(t.gettext("Never at the same time as {sessions}", sessions=", ".join(
            f"#{i}" for i in found.not_in_parallel)))
    return "\n".join(lines)


def pin_text(p: Pin, language: Language = ENGLISH) -> str:
    assert p.slot is not None
    slot = f"#{p.slot.id} {embeds.ts(p.slot.start, 'f')}–{embeds.ts(p.ends or p.slot.end)}"
    if p.room is None:
        return language.gettext("slot {slot}, any free room", slot=slot)
    return language.gettext("slot {slot}, {room} (room #{id})", slot=slot,
                            room=embeds.literal(p.room.name), id=p.room.id)


# -------------------------------------------------------------------------- organisers

@admin_session.command(name="length", description="How many consecutive slots a session "
                                                  "takes (one day, one room)")
@app_commands.describe(session="The session", slots="Consecutive slots it takes (1: one slot)")
@app_commands.autocomplete(session=own_sessions)
async def length(interaction: discord.Interaction[SchedulerBot], session: str,
                 slots: app_commands.Range[int, 1, MAX_LENGTH]) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.set_length(guild_id, actor, session_id(session), slots)
    await say(interaction, language_for(interaction).ngettext(
        "{session} takes {n} slot from the next run.",
        "{session} takes {n} slots from the next run.", s.length,
        session=_title(s.title, s.id)))
    await show_session(interaction, s, organiser=True)


@admin_session.command(name="track", description="A session's track (leave out to remove it)")
@app_commands.describe(session="The session",
                       track="The track's name, shared by related sessions")
@app_commands.autocomplete(session=own_sessions)
async def track(interaction: discord.Interaction[SchedulerBot], session: str,
                track: app_commands.Range[str, 1, 50] | None = None) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.set_track(guild_id, actor, session_id(session), track)
    t = language_for(interaction)
    await say(interaction, t.gettext("{session}: track **{track}**.",
                                     session=_title(s.title, s.id),
                                     track=embeds.literal(s.track)) if s.track else
              t.gettext("{session}: no track.", session=_title(s.title, s.id)))
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
    t = language_for(interaction)
    await say(interaction, t.gettext("{session} is pinned to {where}, from the next run (a "
                                     "locked slot keeps what it holds).",
                                     session=_title(p.title, p.session_id),
                                     where=pin_text(p, t)))


@admin_session.command(name="unpin", description="Let the scheduler place a session again")
@app_commands.describe(session="The session")
@app_commands.autocomplete(session=own_sessions)
async def unpin(interaction: discord.Interaction[SchedulerBot], session: str) -> None:
    guild_id, actor = await admin_actor(interaction)
    p = await interaction.client.service.pin(guild_id, actor, session_id(session), None)
    await say(interaction, language_for(interaction).gettext(
        "{session} is not pinned: the scheduler places it.",
        session=_title(p.title, p.session_id)))


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
    t = language_for(interaction)
    await say(interaction, t.gettext("**{one}** and **{other}** may run at the same time.",
                                     one=a, other=b) if allow else
              t.gettext("**{one}** and **{other}** never run at the same time, from the next "
                        "run.", one=a, other=b))
