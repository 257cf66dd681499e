"""Verification: `/verify` gives an attendee the event's role, and `/admin code ...` manages
the code they enter."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import actor_of, admin_actor, guild_id_of
from bot.discord.direct import tell_organisers
from bot.discord.embeds import literal
from bot.discord.errors import NO_MENTIONS, say, within_window
from bot.discord.languages import language_for
from bot.event import codes
from bot.event.errors import WrongCode

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)


@app_commands.command(description="Enter the event's code to join as an attendee")
@app_commands.describe(code="The code the organisers shared")
@app_commands.guild_only()
async def verify(interaction: discord.Interaction[SchedulerBot],
                 code: app_commands.Range[str, 1, 64]) -> None:
    """Answer first, then give the role: Discord may make a role change wait (its rate limit,
    when many verify at once), and the answer must come within the interaction's 3 seconds.
    The answer is then edited to say whether the role was given."""
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    t = language_for(interaction)
    try:
        result = await within_window(interaction,
                                     interaction.client.service.verify(guild_id, actor, code))
    except WrongCode as e:
        await say(interaction, t.text(e.message))
        if e.burst:
            await _tell_of_burst(interaction)
        return
    settings = await interaction.client.gate_settings(guild_id)  # the attendee role
    text = (t.gettext("You were already verified.") if result.already_verified
            else t.gettext("You are verified!"))
    member, guild = interaction.user, interaction.guild
    role = (guild.get_role(settings.verified_role_id)
            if settings.verified_role_id and guild is not None else None)
    if role is None or not isinstance(member, discord.Member) or role in member.roles:
        await say(interaction, text)
        return
    name = literal(role.name)
    await say(interaction, " ".join((text, t.gettext("Giving you the {role} role…", role=name))))
    try:
        await member.add_roles(role, reason="verified with the event code")
        then = t.gettext("You now have the {role} role.", role=name)
    except discord.HTTPException as e:
        log.warning("could not add role %s: %s", role.id, e)
        then = t.gettext("I could not give you the {role} role: an organiser should check that "
                         "my role is above it.", role=name)
    done = f"{text} {then}"
    try:
        await interaction.edit_original_response(content=done, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as e:
        log.warning("could not update the answer to /verify %s: %s", interaction.id, e)


async def _tell_of_burst(interaction: discord.Interaction[SchedulerBot]) -> None:
    """Many wrong codes from many accounts: someone may be guessing. Verification pauses by
    itself; the organisers decide whether to rotate the code. Said in the server's language:
    it is for the organisers, not for whoever entered the last code."""
    settings = await interaction.client.gate_settings(interaction.guild_id)
    t = language_for(interaction, public=True)
    await tell_organisers(
        interaction.client, interaction.guild, settings.moderation_channel_id,
        t.gettext("⚠️ {count} wrong verification codes were entered on this server within "
                  "{minutes} minutes, from several accounts: someone may be guessing. "
                  "Verification is paused for everyone until the oldest of them is {minutes} "
                  "minutes old. If the code may have leaked, /admin code rotate makes a new "
                  "one.", count=codes.SERVER_MAX_FAILURES,
                  minutes=int(codes.FAILURE_WINDOW_SECONDS // 60)))


code = app_commands.Group(name="code", description="The verification code")


@code.command(name="show", description="Show the verification code (only to you)")
async def code_show(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    shown = await interaction.client.service.show_code(guild_id, actor)
    await say(interaction, language_for(interaction).gettext("The code is `{code}`.",
                                                             code=shown))


@code.command(name="rotate", description="A new random code; the old one stops working")
async def code_rotate(interaction: discord.Interaction[SchedulerBot]) -> None:
    guild_id, actor = await admin_actor(interaction)
    new = await interaction.client.service.rotate_code(guild_id, actor)
    await say(interaction, language_for(interaction).gettext("New code: `{code}`.", code=new))


@code.command(name="set", description="Choose the code yourself")
@app_commands.describe(
    code="The new code (letters and digits)",
)
async def code_set(interaction: discord.Interaction[SchedulerBot],
                   code: app_commands.Range[str, 1, 64]) -> None:
    guild_id, actor = await admin_actor(interaction)
    code = await interaction.client.service.set_code(guild_id, actor, code)
    await say(interaction, language_for(interaction).gettext("The code is now `{code}`.",
                                                             code=code))


@code.command(name="required", description="Whether attendees must verify to take part")
@app_commands.describe(
    on="True: attendees need the code; False: everyone takes part",
)
async def code_required(interaction: discord.Interaction[SchedulerBot], on: bool) -> None:
    guild_id, actor = await admin_actor(interaction)
    s = await interaction.client.service.update_settings(guild_id, actor,
                                                         verification_required=on)
    t = language_for(interaction)
    await say(interaction, t.gettext("Verification required: on.") if s.verification_required
              else t.gettext("Verification required: off."))
