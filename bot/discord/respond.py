"""A lean first response for hot paths (interest buttons).

`InteractionResponse.send_message` always asks Discord to echo the created message back
(`?with_response=1`) and then builds an `InteractionCallbackResponse` with a full message object
from it; a button press needs neither. This sends the same callback (type 4, an ephemeral
message that pings nobody) through discord.py's own webhook adapter and session, without the
echo, and marks the interaction as answered exactly as `send_message` does.
"""

from __future__ import annotations

import discord
from discord.webhook.async_ import Route, async_context

EPHEMERAL = 1 << 6
CHANNEL_MESSAGE = discord.InteractionResponseType.channel_message
NO_MENTIONS = discord.AllowedMentions.none().to_dict()


async def send_private(interaction: discord.Interaction, content: str) -> None:
    """Answer `interaction` with an ephemeral message; raises `InteractionResponded` if it was
    already answered and `HTTPException` if Discord refused, like `send_message`."""
    response = interaction.response
    if response.is_done():
        raise discord.InteractionResponded(interaction)
    route = Route("POST", "/interactions/{webhook_id}/{webhook_token}/callback",
                  webhook_id=interaction.id, webhook_token=interaction.token)
    http = interaction.client.http
    payload = {"type": CHANNEL_MESSAGE.value,
               "data": {"content": content[:2000], "flags": EPHEMERAL,
                        "allowed_mentions": NO_MENTIONS}}
    await async_context.get().request(route, interaction._session, payload=payload,
                                      proxy=http.proxy, proxy_auth=http.proxy_auth)
    response._response_type = CHANNEL_MESSAGE
