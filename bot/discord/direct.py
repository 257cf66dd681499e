"""Direct messages to one user, with Discord's "cannot send messages to this user" (50007)
told apart from passing failures: the callers record closed DMs and stop trying. And word to
the organisers of a server, where they will see it."""

from __future__ import annotations

import logging

import discord

from bot.discord.embeds import CONTENT
from bot.discord.errors import NO_MENTIONS
from bot.event.models import DmOutcome
from bot.event.text import cut
from bot.i18n import N_

log = logging.getLogger(__name__)
CANNOT_DM = 50007
#: Said to someone whose DMs turned out closed (render it in their language: `Language.text`).
CLOSED = N_("I could not send you a direct message: your DMs are closed to me. I stopped "
            "trying. To get reminders and timetable-change messages, allow direct messages "
            "from this server's members (Privacy Settings of the server), then run /remind on.")
CLOSED_NOTE = str(CLOSED)  # the English


async def send_dm(client: discord.Client, user_id: int, content: str,
                  nonce: str | None = None) -> DmOutcome:
    """`nonce`: Discord posts no second message with it (a retried send)."""
    try:
        channel = await client.create_dm(discord.Object(id=user_id))
        await channel.send(cut(content, CONTENT), allowed_mentions=NO_MENTIONS, nonce=nonce)
    except discord.Forbidden as e:
        if e.code == CANNOT_DM:
            return "closed"
        log.warning("could not DM user %s: %s", user_id, e)
        return "failed"
    except discord.HTTPException as e:
        log.warning("could not DM user %s: %s", user_id, e)
        return "failed"
    return "sent"


async def tell_organisers(client: discord.Client, guild: discord.Guild | None,
                          moderation_channel_id: int | None, content: str) -> bool:
    """In the event's moderation channel when it has one, else a DM to the server's owner;
    False when neither could be reached (logged)."""
    channel = (guild.get_channel(moderation_channel_id)  # never another server's channel
               if guild is not None and moderation_channel_id else None)
    if isinstance(channel, discord.abc.Messageable):
        try:
            await channel.send(cut(content, CONTENT), allowed_mentions=NO_MENTIONS)
            return True
        except discord.HTTPException as e:
            log.warning("could not post to the moderation channel %s: %s", channel.id, e)
    if guild is not None and guild.owner_id is not None:
        return await send_dm(client, guild.owner_id, content) == "sent"
    log.warning("no way to tell the organisers: %s", content)
    return False
