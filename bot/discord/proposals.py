"""Proposals: `/propose` (a form for what is left out), `/edit`, `/withdraw`, `/sessions`, and
a notice to the organisers when a proposal waits for approval (moderation:
`moderation.py`). A public session is posted in the proposals channel with its
interest buttons and its discussion thread; the post follows the session's edits, and shows
it withdrawn or waiting for approval with its buttons disabled."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds, errors
from bot.discord.checks import actor_of, attendee_actor, guild_id_of
from bot.discord.errors import NO_MENTIONS, say
from bot.discord.interest import interest_view
from bot.discord.languages import language_for
from bot.discord.options import own_sessions, session_id
from bot.discord.pages import Page, show_pages
from bot.event.models import EventSettings, SessionView
from bot.i18n import ENGLISH, Language
from bot.shards import enter_guild
from bot.storage.posting import SESSION_POST

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)


def mention(channel_id: int) -> str:
    return f"<#{channel_id}>"


def user_mention(user_id: int) -> str:
    return f"<@{user_id}>"


async def post_session(bot: SchedulerBot, settings: EventSettings, s: SessionView,
                       language: Language | None = None) -> str | None:
    """Show the session in the proposals channel as it now is. Its post is edited in place
    (title, description, status; the interest buttons live only while it is public, labelled
    in the server's language); a public session without a post is posted, with its
    discussion thread (opened once). Returns a line for an organiser when it needs them (a
    permission, a channel), in `language` (default: the server's)."""
    guild_id = settings.guild_id
    server = language_for(bot.get_guild(guild_id))
    t = language or server
    thread = await bot.threads.thread(guild_id, s.id)
    embed = embeds.session_embed(s, None if thread is None else thread.thread_id, server)
    view = interest_view(s.id, live=s.status == "public", language=server)
    title = embeds.literal(s.title)
    posted = await bot.posting.posted_message(guild_id, SESSION_POST, str(s.id))
    if posted is None and thread is not None:  # posted before posts were recorded
        posted = (thread.channel_id, thread.message_id)
    where = None if posted is None else bot.text_channel(guild_id, posted[0])
    if posted is not None and where is not None:  # only a channel of this server
        message = where.get_partial_message(posted[1])
        try:
            await message.edit(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
            return None
        except discord.NotFound:
            pass  # deleted in Discord: a public session is posted again
        except discord.Forbidden:
            return t.gettext("I could not update the post of **{title}** in {channel}: give "
                             "me View Channel and Send Messages there.", title=title,
                             channel=mention(posted[0]))
    if s.status != "public":
        return None
    channel = bot.text_channel(settings.guild_id, settings.proposals_channel_id)
    if channel is None:
        return t.gettext("**{title}** is not posted with its interest buttons: there is no "
                         "proposals channel. Choose one with /admin setup (people can use "
                         "/interest meanwhile).", title=title)
    try:
        msg = await channel.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
    except discord.Forbidden:
        return t.gettext("I could not post **{title}** in {channel}: give me View Channel, "
                         "Send Messages and Embed Links there (people can use /interest "
                         "meanwhile).", title=title, channel=mention(channel.id))
    await bot.posting.set_posted_message(guild_id, SESSION_POST, str(s.id), channel.id, msg.id)
    if thread is None:
        return await bot.threads.open(guild_id, s, msg, t)
    return None


async def show_session(interaction: discord.Interaction[SchedulerBot], s: SessionView, *,
                       organiser: bool) -> None:
    """After a command's answer: the session's post brought up to date. The command has
    succeeded, so a failure here is logged, never answered as a failure of the command; an
    organiser is told in plain words (a proposer could do nothing about it)."""
    bot = interaction.client
    t = language_for(interaction)
    try:
        problem = await post_session(bot, await bot.gate_settings(guild_id_of(interaction)), s,
                                     t)
    except Exception:
        log.exception("could not show session %s in the proposals channel", s.id)
        problem = t.gettext("**{title}** is saved, but I could not update its post in the "
                            "proposals channel; the bot's log has the details.",
                            title=embeds.literal(s.title))
    if problem and organiser:
        try:
            await say(interaction, problem)
        except discord.HTTPException as e:
            log.warning("could not tell interaction %s: %s", interaction.id, e)


# ---------------------------------------------------------------------------------- propose

@app_commands.command(description="Propose a session (a form opens for what you leave out)")
@app_commands.guild_only()
@app_commands.describe(
    title="The session's title (leave out to fill in a form)",
    description="What it is about and for whom (leave out to fill in a form)",
)
async def propose(interaction: discord.Interaction[SchedulerBot],
                  title: app_commands.Range[str, 1, 100] | None = None,
                  description: app_commands.Range[str, 0, 1500] | None = None) -> None:
    await attendee_actor(interaction, role=False)  # members who have not verified propose too
    if title is None or not description:
        await interaction.response.send_modal(ProposeModal(title, language_for(interaction)))
        return
    await _proposed(interaction, title, description)


async def _proposed(interaction: discord.Interaction[SchedulerBot], title: str,
                    description: str) -> None:
    guild_id, actor, settings = await attendee_actor(interaction, role=False)
    s = await interaction.client.service.propose(guild_id, actor, title, description)
    t = language_for(interaction)
    title = embeds.literal(s.title)
    if s.status == "public":
        await say(interaction, t.gettext("Proposed **{title}** (#{id}). It is public: people "
                                         "can now say they are interested.", title=title,
                                         id=s.id))
        await show_session(interaction, s, organiser=actor.is_admin)
    else:  # the rules make a proposal wait only when its proposer has not verified
        channel = settings.proposals_channel_id
        await say(interaction, t.gettext(
            "Proposed **{title}** (#{id}). You have not entered the event's code yet, so it "
            "waits for an organiser's approval; it appears in {channel} once approved. After "
            "/verify code:<code> your proposals are public at once.", title=title, id=s.id,
            channel=mention(channel)) if channel else t.gettext(
            "Proposed **{title}** (#{id}). You have not entered the event's code yet, so it "
            "waits for an organiser's approval; it appears in the proposals channel once "
            "approved. After /verify code:<code> your proposals are public at once.",
            title=title, id=s.id))
        await notify_pending(interaction, settings, s)


async def notify_pending(interaction: discord.Interaction[SchedulerBot],
                         settings: EventSettings, s: SessionView) -> None:
    """A notice in the moderation channel, when the event has one, that a proposal waits (in
    the server's language). The proposal is stored whatever happens here: a failure is
    logged."""
    channel = interaction.client.text_channel(settings.guild_id,
                                              settings.moderation_channel_id)
    if channel is None:
        return
    try:
        t = language_for(interaction, public=True)
        await channel.send(t.gettext("**{title}** (#{id}) by {proposer} waits for approval: "
                                     "/admin proposal list.", title=embeds.literal(s.title),
                                     id=s.id, proposer=user_mention(s.owner_id)),
                           embed=embeds.session_embed(s, t=t), allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as e:
        log.warning("could not post to the moderation channel %s: %s", channel.id, e)


class ProposeModal(discord.ui.Modal, title="Propose a session"):
    """The form of `/propose`, in its reader's language (its fields made per form, since their
    labels are)."""

    def __init__(self, title: str | None = None, language: Language | None = None):
        t = language or ENGLISH
        super().__init__(title=t.gettext("Propose a session"), timeout=15 * 60)
        self.session_title = discord.ui.TextInput(label=t.gettext("Title"),
                                                  custom_id="propose:title", max_length=100,
                                                  default=title or None)
        self.description = discord.ui.TextInput(label=t.gettext("Description"),
                                                custom_id="propose:description",
                                                style=discord.TextStyle.paragraph,
                                                required=True, max_length=1500)
        self.add_item(self.session_title)
        self.add_item(self.description)

    async def interaction_check(self, interaction: discord.Interaction[SchedulerBot]) -> bool:
        enter_guild(interaction.guild_id)  # the log records of this interaction say its shard
        return True

    async def on_submit(self, interaction: discord.Interaction[SchedulerBot]) -> None:
        await _proposed(interaction, self.session_title.value, self.description.value or "")

    async def on_error(self, interaction: discord.Interaction[SchedulerBot],
                       error: Exception) -> None:
        await errors.handle_error(interaction, error)


# ------------------------------------------------------------------------ edit and withdraw

@app_commands.command(description="Change the title or description of your session")
@app_commands.guild_only()
@app_commands.autocomplete(session=own_sessions)
@app_commands.describe(
    session="Your session (start typing its title)",
    title="The new title (leave out to keep it)",
    description="The new description (leave out to keep it)",
)
async def edit(interaction: discord.Interaction[SchedulerBot], session: str,
               title: app_commands.Range[str, 1, 100] | None = None,
               description: app_commands.Range[str, 0, 1500] | None = None) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    s = await interaction.client.service.edit_session(guild_id, actor, session_id(session),
                                                      title=title, description=description)
    t = language_for(interaction)
    text = (t.gettext("Updated **{title}** (#{id}). It waits for an organiser's approval "
                      "again.", title=embeds.literal(s.title), id=s.id)
            if s.status == "pending" else
            t.gettext("Updated **{title}** (#{id}).", title=embeds.literal(s.title), id=s.id))
    await say(interaction, text, embed=embeds.session_embed(s, t=t))
    await show_session(interaction, s, organiser=actor.is_admin)


@app_commands.command(description="Withdraw a session you proposed")
@app_commands.guild_only()
@app_commands.autocomplete(session=own_sessions)
@app_commands.describe(
    session="Your session (start typing its title)",
)
async def withdraw(interaction: discord.Interaction[SchedulerBot], session: str) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    s = await interaction.client.service.withdraw_session(guild_id, actor, session_id(session))
    await say(interaction, language_for(interaction).gettext(
        "Withdrew **{title}** (#{id}).", title=embeds.literal(s.title), id=s.id))
    await show_session(interaction, s, organiser=actor.is_admin)


# -------------------------------------------------------------------------------- sessions

@app_commands.command(description="The sessions, with your interest in each")
@app_commands.guild_only()
@app_commands.describe(
    page="Which page of the list (ten sessions a page)",
)
async def sessions(interaction: discord.Interaction[SchedulerBot],
                   page: app_commands.Range[int, 1, 1000] = 1) -> None:
    guild_id, actor = guild_id_of(interaction), actor_of(interaction)
    service = interaction.client.service

    async def render(n: int) -> Page:
        return embeds.sessions_page(await service.list_sessions(guild_id, actor), n)

    await show_pages(interaction, render, page)
