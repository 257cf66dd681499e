"""Interest-button presses, answered from the raw gateway event.

A press is the bot's hot path (see `bot.discord.callbacks` for the target and the reply). Of
what discord.py does per press, building the `Interaction` costs most (~0.11 ms: the pressed
message with its embed, components and thread, the member, the channel), and a press needs
none of it: the custom_id, who pressed (id, name, roles, permissions) and the interaction's id
and token. So `install` puts a parser in front of discord.py's INTERACTION_CREATE parser that
takes interest presses from the raw payload and hands everything else on untouched.

That parser table (`ConnectionState.parsers`) is discord.py's internal dispatch table, stable
since 1.0. Should a discord.py release change it, `install` returns False, logs it, and the
presses reach `SchedulerBot.on_interaction` through discord.py instead, answered by the same
`answer` (a test asserts the fast path is in place, so an upgrade that loses it is noticed).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.discord import errors
from bot.discord.callbacks import CallbackFailed
from bot.discord.checks import actor_of, can_manage, check_attendee, guild_id_of, role_ids
from bot.discord.errors import Refused
from bot.discord.views import interest_saved
from bot.event.models import Actor

log = logging.getLogger(__name__)

INTEREST_ID = re.compile(r"interest:(?P<session>[0-9]{1,20}):(?P<level>[0-9]{1,3})")
_COMPONENT = discord.InteractionType.component.value
_BUTTON = discord.ComponentType.button.value


@dataclass(frozen=True, slots=True)
class InterestPress:
    interaction_id: int
    token: str
    guild_id: int
    actor: Actor
    role_ids: frozenset[int]
    session_id: int
    level: int

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> InterestPress | None:
        """The press in a raw INTERACTION_CREATE payload; None for anything else (other
        interactions, and presses outside a server, which discord.py's path refuses)."""
        if data.get("type") != _COMPONENT:
            return None
        target = _target(data.get("data") or {})
        member = data.get("member")
        if target is None or member is None or data.get("guild_id") is None:
            return None
        user = member["user"]
        name = member.get("nick") or user.get("global_name") or user["username"]
        is_admin = can_manage(int(member.get("permissions") or 0))
        return cls(int(data["id"]), data["token"], int(data["guild_id"]),
                   Actor(int(user["id"]), name, is_admin),
                   frozenset(map(int, member.get("roles", ()))), *target)

    @classmethod
    def from_interaction(cls, interaction: discord.Interaction) -> InterestPress | None:
        """The same, from an interaction discord.py has already parsed; raises `Refused`
        for a press outside a server."""
        if interaction.type is not discord.InteractionType.component:
            return None
        target = _target(interaction.data or {})
        if target is None:
            return None
        return cls(interaction.id, interaction.token, guild_id_of(interaction),
                   actor_of(interaction), role_ids(interaction), *target)


def _target(data: dict[str, Any]) -> tuple[int, int] | None:
    """(session id, level) of an interest button's data; None for any other component."""
    if data.get("component_type") != _BUTTON:
        return None
    match = INTEREST_ID.fullmatch(str(data.get("custom_id", "")))
    return None if match is None else (int(match["session"]), int(match["level"]))


async def answer(bot: Any, press: InterestPress) -> None:
    """Gate, commit the level, then answer privately: the reply never precedes the COMMIT, and
    a refusal is the same private message a command would give."""
    try:
        settings = await bot.gate_settings(press.guild_id)
        check_attendee(settings, press.actor, press.role_ids)
        result = await bot.service.set_interest(press.guild_id, press.actor, press.session_id,
                                                press.level)
        text = interest_saved(result.title, result.level)
    except Exception as e:
        text = errors.user_message(e)
        if text is None:
            log.error("interest press %s failed", press.interaction_id, exc_info=e)
            text = errors.GENERIC
    try:
        await bot.callbacks.reply_private(press.interaction_id, press.token, text)
    except CallbackFailed as e:  # Discord shows the press as failed; nothing else to do
        log.warning("could not answer interest press %s: %s", press.interaction_id, e)


async def answer_parsed(bot: Any, interaction: discord.Interaction) -> None:
    """A press discord.py parsed (the raw path is off or unavailable, or it came from outside
    a server); any other interaction is left alone."""
    try:
        press = InterestPress.from_interaction(interaction)
    except Refused as e:
        await errors.handle_error(interaction, e)
        return
    if press is not None:
        await answer(bot, press)


def install(bot: Any) -> bool:
    """Answer interest presses from the raw gateway payload; False if discord.py's parser
    table is not where it was (presses then go through `on_interaction`)."""
    parsers = getattr(getattr(bot, "_connection", None), "parsers", None)
    original: Callable[[dict[str, Any]], None] | None = (
        parsers.get("INTERACTION_CREATE") if isinstance(parsers, dict) else None)
    if original is None:
        log.warning("discord.py's parser table has changed: interest presses take the "
                    "slower path through discord.py")
        return False
    pending: set[asyncio.Task[None]] = set()

    def parse_interaction_create(data: dict[str, Any]) -> None:
        try:
            press = InterestPress.from_payload(data)
        except (KeyError, TypeError, ValueError):  # a payload not as documented
            log.exception("unexpected INTERACTION_CREATE payload; handed to discord.py")
            press = None
        if press is None:
            original(data)
            return
        task = asyncio.get_running_loop().create_task(answer(bot, press))
        pending.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(pending.discard)

    parsers["INTERACTION_CREATE"] = parse_interaction_create
    return True
