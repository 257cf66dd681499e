"""Moderation of proposals that wait for approval: `/admin proposal list` (one proposal a
page, with ◀ ▶ and Approve / Reject), `/admin proposal approve|reject` (with an optional
reason), and a direct message to the proposer on either. The notice of a proposal that
arrives is posted by `proposals.py`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds, errors
from bot.discord.checks import admin_actor
from bot.discord.direct import send_dm
from bot.discord.errors import say
from bot.discord.languages import language_for
from bot.discord.options import pending_sessions, session_id
from bot.discord.pages import PagedView
from bot.discord.proposals import show_session
from bot.event.models import SessionView
from bot.event.text import clean_description
from bot.i18n import ENGLISH, N_, Language

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
REASON_MAX = 500
REASON = N_("reason")

proposal = app_commands.Group(name="proposal", description="Proposals waiting for approval")


async def decide(interaction: discord.Interaction[SchedulerBot], sid: int, approve: bool,
                 reason: str | None) -> tuple[SessionView, str | None]:
    """Approve or reject (an organiser); the reason checked like every text, as it will be
    sent."""
    guild_id, actor = await admin_actor(interaction)
    reason = clean_description(reason, field=REASON, limit=REASON_MAX) if reason else None
    service = interaction.client.service
    if approve:
        return await service.approve(guild_id, actor, sid), reason
    return await service.reject(guild_id, actor, sid), reason


async def after_decision(interaction: discord.Interaction[SchedulerBot], s: SessionView,
                         approved: bool, reason: str | None) -> None:
    """Once the organiser has their answer: the proposer told by DM, in the server's language
    (closed DMs do not fail the decision; the organiser hears of it, in theirs), the session's
    post brought up to date."""
    bot = interaction.client
    event = embeds.literal((await bot.gate_settings(interaction.guild_id or 0)).name)
    title = embeds.literal(s.title)
    server = language_for(interaction, public=True)
    text = (server.gettext("Your proposal **{title}** for **{event}** was approved: it is "
                           "public now, and people can say they are interested.", title=title,
                           event=event) if approved else
            server.gettext("Your proposal **{title}** for **{event}** was not accepted.",
                           title=title, event=event))
    if reason:
        text += "\n" + server.gettext("The organisers say: {reason}", reason=reason)
    outcome = await send_dm(bot, s.owner_id, text)
    if outcome != "sent":
        t = language_for(interaction)
        try:
            await say(interaction, t.gettext(
                "I could not tell the proposer of **{title}** by direct message (their direct "
                "messages are closed); tell them another way.", title=title)
                if outcome == "closed" else t.gettext(
                "I could not tell the proposer of **{title}** by direct message (Discord "
                "refused it just now); tell them another way.", title=title))
        except discord.HTTPException as e:
            log.warning("could not tell interaction %s: %s", interaction.id, e)
    await show_session(interaction, s, organiser=True)


def decided_text(s: SessionView, approved: bool, language: Language = ENGLISH) -> str:
    title = embeds.literal(s.title)
    if approved:
        return language.gettext("Approved **{title}** (#{id}).", title=title, id=s.id)
    return language.gettext("Rejected **{title}** (#{id}).", title=title, id=s.id)


@proposal.command(name="approve", description="Make a pending proposal public")
@app_commands.describe(session="A proposal waiting for approval",
                       reason="A word for the proposer (sent by direct message)")
@app_commands.autocomplete(session=pending_sessions)
async def approve(interaction: discord.Interaction[SchedulerBot], session: str,
                  reason: app_commands.Range[str, 1, REASON_MAX] | None = None) -> None:
    await _decided(interaction, session, True, reason)


@proposal.command(name="reject", description="Refuse a pending proposal")
@app_commands.describe(session="A proposal waiting for approval",
                       reason="Why, for the proposer (sent by direct message)")
@app_commands.autocomplete(session=pending_sessions)
async def reject(interaction: discord.Interaction[SchedulerBot], session: str,
                 reason: app_commands.Range[str, 1, REASON_MAX] | None = None) -> None:
    await _decided(interaction, session, False, reason)


async def _decided(interaction: discord.Interaction[SchedulerBot], session: str,
                   approved: bool, reason: str | None) -> None:
    await admin_actor(interaction)  # a member hears that first, whatever they typed
    s, reason = await decide(interaction, session_id(session), approved, reason)
    await say(interaction, decided_text(s, approved, language_for(interaction)))
    await after_decision(interaction, s, approved, reason)


# ------------------------------------------------------------------------------ the list

@proposal.command(name="list", description="The proposals waiting for approval, one a page")
@app_commands.describe(page="The page to open first")
async def list_pending(interaction: discord.Interaction[SchedulerBot],
                       page: app_commands.Range[int, 1, 10_000] = 1) -> None:
    guild_id, actor = await admin_actor(interaction)
    view = Queue(guild_id, language_for(interaction))
    embed = await view.page_embed(interaction, page)
    await say(interaction, embed=embed, view=view)


class Queue(PagedView):
    """One pending proposal a page; the queue is read afresh at each press, so a proposal
    decided elsewhere meanwhile is never shown stale (ephemeral: only its reader sees it)."""

    def __init__(self, guild_id: int, language: Language = ENGLISH):
        super().__init__()
        self.guild_id, self.t = guild_id, language
        self.current: int | None = None
        self.approve.label = language.gettext("Approve")
        self.reject.label = language.gettext("Reject…")

    async def embed_for(self, interaction: discord.Interaction[SchedulerBot],
                        page: int, note: str = "") -> discord.Embed:
        _, actor = await admin_actor(interaction)
        queue = await interaction.client.service.moderation_queue(self.guild_id, actor)
        self.pages = max(1, len(queue))
        self.page = min(max(1, page), self.pages)
        self.current = queue[self.page - 1].id if queue else None
        if queue:
            embed = embeds.session_embed(queue[self.page - 1], t=self.t)
            embed.set_author(name=self.t.gettext("Waiting for approval: {page} of {pages}",
                                                 page=self.page, pages=len(queue)))
        else:
            embed = discord.Embed(title=self.t.gettext("No proposals wait for approval"),
                                  colour=embeds.COLOUR)
        if note:
            embed.description = f"{note}\n\n{embed.description or ''}".strip()[
                :embeds.DESCRIPTION]
        self.approve.disabled = self.reject.disabled = self.current is None
        return embed

    @discord.ui.button(label="Approve", style=discord.ButtonStyle.success)
    async def approve(self, interaction: discord.Interaction[SchedulerBot],
                      button: discord.ui.Button) -> None:
        await self.decided(interaction, True, None)

    @discord.ui.button(label="Reject…", style=discord.ButtonStyle.danger)
    async def reject(self, interaction: discord.Interaction[SchedulerBot],
                     button: discord.ui.Button) -> None:
        await admin_actor(interaction)
        if self.current is None:
            await self._show(interaction, self.page)
            return
        await interaction.response.send_modal(RejectModal(self, self.current, self.t))

    async def decided(self, interaction: discord.Interaction[SchedulerBot], approved: bool,
                      reason: str | None, sid: int | None = None) -> None:
        sid = self.current if sid is None else sid
        if sid is None:
            await self._show(interaction, self.page)
            return
        s, reason = await decide(interaction, sid, approved, reason)
        await self._show(interaction, self.page, decided_text(s, approved, self.t))
        await after_decision(interaction, s, approved, reason)


class RejectModal(discord.ui.Modal, title="Reject a proposal"):
    """Why a proposal is rejected, asked in the organiser's language."""

    def __init__(self, queue: Queue, sid: int, language: Language = ENGLISH):
        super().__init__(title=language.gettext("Reject a proposal"), timeout=15 * 60)
        self.queue, self.sid = queue, sid
        self.reason = discord.ui.TextInput(
            label=language.gettext("Why (sent to the proposer; optional)"),
            custom_id="reject:reason", style=discord.TextStyle.paragraph, required=False,
            max_length=REASON_MAX)
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction[SchedulerBot]) -> None:
        await self.queue.decided(interaction, False, self.reason.value or None, self.sid)

    async def on_error(self, interaction: discord.Interaction[SchedulerBot],
                       error: Exception) -> None:
        await errors.handle_error(interaction, error)
