"""Attendee commands: /verify, /propose, /sessions, /interest, /edit, /withdraw, /schedule,
/myschedule. Each: parse → check → one EventService call → render."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.checks import actor_of, attendee_actor, guild_id_of
from bot.discord.errors import say
from bot.discord.interest import interest_saved
from bot.discord.itinerary import myschedule_reply
from bot.discord.views import ProposeModal, SessionPages, session_choices
from bot.event.errors import InvalidInput
from bot.event.models import LEVEL_NAMES, Level

log = logging.getLogger(__name__)
LEVEL_CHOICES = [app_commands.Choice(name=LEVEL_NAMES[lv], value=int(lv)) for lv in Level]


def _session_id(raw: str) -> int:
    """Autocomplete sends the id; a typed "#12" or "12" works too."""
    raw = raw.strip().lstrip("#")
    if not raw.isdigit():
        raise InvalidInput("Pick a session from the list (start typing its title).")
    return int(raw)


class Attendee(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    @property
    def service(self):
        return self.bot.service

    # ----------------------------------------------------------------------------- verify

    @app_commands.command(description="Enter the event's code to join as an attendee")
    @app_commands.describe(code="The code the organisers shared")
    @app_commands.guild_only()
    async def verify(self, interaction: discord.Interaction,
                     code: app_commands.Range[str, 1, 64]) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)
        result = await self.service.verify(guild_id, actor, code)
        settings = await self.bot.gate_settings(guild_id)  # the attendee role
        role_note = ""
        if settings.verified_role_id and isinstance(interaction.user, discord.Member):
            role = interaction.guild.get_role(settings.verified_role_id)
            if role is not None and role not in interaction.user.roles:
                try:
                    await interaction.user.add_roles(role, reason="verified with the event code")
                    role_note = f" You now have the {role.name} role."
                except discord.HTTPException as e:
                    log.warning("could not add role %s: %s", role.id, e)
                    role_note = (" (I could not give you the attendee role: an organiser should "
                                 "check my role is above it.)")
        text = "You were already verified." if result.already_verified else "You are verified!"
        await say(interaction, text + role_note)

    # ---------------------------------------------------------------------------- propose

    @app_commands.command(description="Propose a session (a form opens for what you leave out)")
    @app_commands.guild_only()
    async def propose(self, interaction: discord.Interaction,
                      title: app_commands.Range[str, 1, 100] | None = None,
                      description: app_commands.Range[str, 0, 1500] | None = None) -> None:
        await attendee_actor(interaction)
        if title is None or not description:
            await interaction.response.send_modal(ProposeModal(self._proposed, title))
            return
        await self._proposed(interaction, title, description)

    async def _proposed(self, interaction: discord.Interaction, title: str,
                        description: str) -> None:
        guild_id, actor, settings = await attendee_actor(interaction)
        s = await self.service.propose(guild_id, actor, title, description)
        if s.status == "public":
            await say(interaction, f"Proposed **{embeds.literal(s.title)}** (#{s.id}). It is "
                       "public: people "
                       "can now say they are interested.")
            await self.bot.post_session(settings, s)
        else:
            await say(interaction, f"Proposed **{embeds.literal(s.title)}** (#{s.id}). It "
                       "waits for an "
                       "organiser's approval.")

    # --------------------------------------------------------------------------- sessions

    @app_commands.command(description="The sessions, with your interest in each")
    @app_commands.guild_only()
    async def sessions(self, interaction: discord.Interaction,
                       page: app_commands.Range[int, 1, 1000] = 1) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)

        async def render(n: int):
            return embeds.sessions_page(await self.service.list_sessions(guild_id, actor), n)

        embed, page, pages = await render(page)
        if pages > 1:
            await say(interaction, embed=embed, view=SessionPages(render, page, pages))
        else:
            await say(interaction, embed=embed)

    async def _any_public(self, interaction, current):
        return await session_choices(interaction, actor_of(interaction), current, "public")

    async def _own(self, interaction, current):
        return await session_choices(interaction, actor_of(interaction), current, "editable")

    @app_commands.command(description="Say how much you want to attend a session")
    @app_commands.guild_only()
    @app_commands.choices(level=LEVEL_CHOICES)
    @app_commands.autocomplete(session=_any_public)
    async def interest(self, interaction: discord.Interaction, session: str,
                       level: app_commands.Choice[int]) -> None:
        guild_id, actor, _ = await attendee_actor(interaction)
        sid = _session_id(session)
        result = await self.service.set_interest(guild_id, actor, sid, level.value)
        await say(interaction, interest_saved(result.title, result.level))

    @app_commands.command(description="Change the title or description of your session")
    @app_commands.guild_only()
    @app_commands.autocomplete(session=_own)
    async def edit(self, interaction: discord.Interaction, session: str,
                   title: app_commands.Range[str, 1, 100] | None = None,
                   description: app_commands.Range[str, 0, 1500] | None = None) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)
        s = await self.service.edit_session(guild_id, actor, _session_id(session),
                                            title=title, description=description)
        note = " It waits for an organiser's approval again." if s.status == "pending" else ""
        await say(interaction, f"Updated **{embeds.literal(s.title)}** (#{s.id}).{note}",
                   embed=embeds.session_embed(s))

    @app_commands.command(description="Withdraw a session you proposed")
    @app_commands.guild_only()
    @app_commands.autocomplete(session=_own)
    async def withdraw(self, interaction: discord.Interaction, session: str) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)
        s = await self.service.withdraw_session(guild_id, actor, _session_id(session))
        await say(interaction, f"Withdrew **{embeds.literal(s.title)}** (#{s.id}).")

    # --------------------------------------------------------------------------- schedule

    @app_commands.command(description="The published timetable, your choices marked")
    @app_commands.guild_only()
    async def schedule(self, interaction: discord.Interaction) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)
        view = await self.service.published_view(guild_id, actor)
        mine = view.levels
        threads = await self.bot.threads.thread_ids(guild_id)
        messages = embeds.split_messages(  # small events in one message, big ones in more
            e for _, m in embeds.timetable_messages(view.timetable, mine, threads, guild_id)
            for e in m)
        legend = "★★ very · ★ yes · ☆ a little"
        if len(messages) > 1:
            legend += f" · the timetable in {len(messages)} messages"
        await say(interaction, legend, embeds=messages[0] if messages else [])
        for found in messages[1:]:  # every day and every slot: nothing left out
            await say(interaction, embeds=found)

    @app_commands.command(description="Your own itinerary through the published timetable")
    @app_commands.guild_only()
    async def myschedule(self, interaction: discord.Interaction) -> None:
        guild_id, actor = guild_id_of(interaction), actor_of(interaction)
        await myschedule_reply(self.bot, interaction, guild_id, actor)  # with clashes and .ics


async def setup(bot) -> None:
    await bot.add_cog(Attendee(bot))

