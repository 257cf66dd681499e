"""The propose modal, the /sessions pages, and session autocomplete."""

from __future__ import annotations

from typing import Literal

import discord

from bot.discord import errors
from bot.event.models import Actor

NO_MENTIONS = discord.AllowedMentions.none()


class ProposeModal(discord.ui.Modal, title="Propose a session"):
    session_title = discord.ui.TextInput(label="Title", custom_id="propose:title",
                                         max_length=100)
    description = discord.ui.TextInput(label="Description", custom_id="propose:description",
                                       style=discord.TextStyle.paragraph, required=True,
                                       max_length=1500)

    def __init__(self, on_submit_cb, title: str | None = None):
        super().__init__(timeout=15 * 60)
        self._cb = on_submit_cb
        if title:
            self.session_title.default = title

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._cb(interaction, self.session_title.value, self.description.value or "")

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await errors.handle_error(interaction, error)


class SessionPages(discord.ui.View):
    """◀ ▶ under an ephemeral /sessions page (only its reader sees it; 10 minutes)."""

    def __init__(self, render, page: int, pages: int):
        super().__init__(timeout=10 * 60)
        self.render, self.page, self.pages = render, page, pages
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        embed, self.page, self.pages = await self.render(page)
        self._sync()
        await interaction.response.edit_message(embed=embed, view=self,
                                                allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button):
        await self._show(interaction, self.page - 1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button):
        await self._show(interaction, self.page + 1)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item) -> None:
        await errors.handle_error(interaction, error)


async def session_choices(interaction: discord.Interaction, actor: Actor, typed: str,
                          kind: Literal["public", "editable", "pending"]
                          ) -> list[discord.app_commands.Choice[str]]:
    """Autocomplete for a session option: the sessions the rules offer this actor for what
    they typed (`EventService.session_choices`); nothing when that fails."""
    if interaction.guild_id is None:
        return []
    try:
        found = await interaction.client.service.session_choices(  # type: ignore[attr-defined]
            interaction.guild_id, actor, typed, kind)
    except Exception:
        return []
    return [discord.app_commands.Choice(name=title[:100], value=str(sid))
            for sid, title in found]
