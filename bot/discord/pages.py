"""Replies of several pages, read with ◀ ▶ (`/sessions`, `/admin timetable show`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.discord import errors
from bot.discord.errors import NO_MENTIONS, say
from bot.shards import enter_guild

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

#: (embed, page shown, number of pages)
Page = tuple[discord.Embed, int, int]
Render = Callable[[int], Awaitable[Page]]


async def show_pages(interaction: discord.Interaction[SchedulerBot], render: Render,
                     page: int = 1) -> None:
    """A private reply showing one page, with ◀ ▶ when there are more. `render` reads afresh
    at each press, so a page is never stale."""
    embed, page, pages = await render(page)
    if pages > 1:
        await say(interaction, embed=embed, view=Pages(render, page, pages))
    else:
        await say(interaction, embed=embed)


class PagedView(discord.ui.View):
    """◀ ▶ under an ephemeral reply (only its reader sees it; 10 minutes). A subclass says what
    a page shows (`embed_for`), read afresh at each press, and may add buttons of its own."""

    def __init__(self, page: int = 1, pages: int = 1):
        super().__init__(timeout=10 * 60)
        self.page, self.pages = page, pages

    async def embed_for(self, interaction: discord.Interaction[SchedulerBot], page: int,
                        note: str = "") -> discord.Embed:
        """The page (setting `page` and `pages` to what it found), `note` above it."""
        raise NotImplementedError

    def _sync(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages

    async def page_embed(self, interaction: discord.Interaction[SchedulerBot], page: int,
                         note: str = "") -> discord.Embed:
        """The page, with ◀ ▶ enabled where there is one to go to."""
        embed = await self.embed_for(interaction, page, note)
        self._sync()
        return embed

    async def _show(self, interaction: discord.Interaction[SchedulerBot], page: int,
                    note: str = "") -> None:
        embed = await self.page_embed(interaction, page, note)
        await interaction.response.edit_message(embed=embed, view=self,
                                                allowed_mentions=NO_MENTIONS)

    async def interaction_check(self, interaction: discord.Interaction[SchedulerBot]) -> bool:
        enter_guild(interaction.guild_id)  # the log records of this interaction say its shard
        return True

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction[SchedulerBot],
                       button: discord.ui.Button) -> None:
        await self._show(interaction, self.page - 1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[SchedulerBot],
                   button: discord.ui.Button) -> None:
        await self._show(interaction, self.page + 1)

    async def on_error(self, interaction: discord.Interaction[SchedulerBot], error: Exception,
                       item: discord.ui.Item) -> None:
        await errors.handle_error(interaction, error)


class Pages(PagedView):
    """The pages of a `Render`."""

    def __init__(self, render: Render, page: int, pages: int):
        super().__init__(page, pages)
        self.render = render
        self._sync()

    async def embed_for(self, interaction: discord.Interaction[SchedulerBot], page: int,
                        note: str = "") -> discord.Embed:
        embed, self.page, self.pages = await self.render(page)
        return embed
