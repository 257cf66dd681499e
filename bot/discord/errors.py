"""Private (ephemeral) replies, and the one place that turns refusals into them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.discord.embeds import CONTENT
from bot.discord.languages import language_for
from bot.event.errors import ANNOUNCEMENTS, EventError, NotPublished
from bot.event.text import cut
from bot.i18n import ENGLISH, N_, Language, Message

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
GENERIC = N_("Something went wrong on our side; the organisers can find the details in the "
             "bot's log.")
DEFER_AFTER = 2.0  # seconds; Discord's window for a first response is 3
INVALID_WEBHOOK_TOKEN = 50027  # Discord: an interaction's token is valid for 15 minutes
T = TypeVar("T")


class Refused(EventError):
    """A refusal decided in the Discord layer (permission, role): shown privately as is."""


async def say(interaction: discord.Interaction[SchedulerBot], text: str = "", **kwargs) -> None:
    """An ephemeral message without mentions, as the first response or as a followup (what
    every command replies with); `kwargs`: embeds, files, views. A text too long for Discord
    is cut rather than refused."""
    text = cut(text, CONTENT)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS,
                                        **kwargs)
    else:
        await interaction.response.send_message(text, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS, **kwargs)


def token_expired(error: discord.HTTPException) -> bool:
    """Discord refused a followup or an edit because the interaction's token is older than its
    15 minutes: nothing more can be said through it."""
    return error.status == 401 and error.code == INVALID_WEBHOOK_TOKEN


async def within_window(interaction: discord.Interaction[SchedulerBot],
                        work: Awaitable[T]) -> T:
    """What `work` returns. When it has not finished by `DEFER_AFTER` seconds after the
    interaction was created (a database waiting on another writer), the interaction is deferred
    privately first, so that Discord's 3-second window is kept and the answer (`say`) comes as
    a followup once it is done."""
    task = asyncio.ensure_future(work)
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    try:
        return await asyncio.wait_for(asyncio.shield(task),
                                      min(DEFER_AFTER, max(0.5, DEFER_AFTER - age)))
    except TimeoutError:
        pass
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
    except discord.HTTPException as e:
        log.warning("could not defer interaction %s: %s", interaction.id, e)
    return await task


async def say_messages(interaction: discord.Interaction[SchedulerBot], text: str,
                       messages: list[list[discord.Embed]], **kwargs) -> None:
    """`say` for embeds that take several messages (`embeds.split_messages`): the first with
    `text` and `kwargs` (a file), the others as followups; nothing left out."""
    await say(interaction, text, embeds=messages[0] if messages else [], **kwargs)
    for found in messages[1:]:
        await say(interaction, embeds=found)


async def reply_private(interaction: discord.Interaction[SchedulerBot], text: str) -> None:
    """`say` for a refusal: a failure only logged."""
    try:
        await say(interaction, text)
    except discord.HTTPException:
        log.warning("could not deliver a refusal to interaction %s", interaction.id)


def user_message(error: BaseException, language: Language = ENGLISH) -> str | None:
    """The message to show for a known refusal, in `language`; None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, EventError):
        return language.text(error.message)
    if isinstance(error, app_commands.NoPrivateMessage):
        return language.gettext("This command works in the event's server, not in direct "
                                "messages.")
    if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
        return language.gettext("You do not have permission to do this.")
    if isinstance(error, app_commands.TransformerError):
        return language.gettext("“{value}” is not a valid value here.", value=error.value)
    return None


async def _announcements(interaction: discord.Interaction[SchedulerBot]) -> str | Message:
    """The announcements channel as a link, or words when there is none (yet)."""
    channel_id = None
    if interaction.guild_id is not None:
        with contextlib.suppress(Exception):
            settings = await interaction.client.gate_settings(interaction.guild_id)
            channel_id = settings.announcements_channel_id
    return f"<#{channel_id}>" if channel_id else ANNOUNCEMENTS


async def handle_error(interaction: discord.Interaction[SchedulerBot],
                       error: BaseException) -> None:
    """Refusals become private replies in the reader's language; anything else is logged and
    answered generically."""
    original = getattr(error, "original", error)
    language = language_for(interaction)
    if isinstance(original, NotPublished):  # say where the timetable will appear: a link
        message = language.text(NotPublished(await _announcements(interaction)).message)
    else:
        message = user_message(error, language)
    if message is None:
        log.error("interaction %s failed", interaction.id, exc_info=original)
        message = language.text(GENERIC)
    await reply_private(interaction, message)
