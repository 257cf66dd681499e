"""Interest: `/interest`, and the four buttons under each session's post.

`InterestButton` is registered once (`Client.add_dynamic_items`), so a press is answered from
its custom_id alone, on any message: also one posted before a restart, or before the buttons
were a `DynamicItem` (the custom_id format is the same).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import embeds, errors
from bot.discord.checks import attendee_actor
from bot.discord.errors import say, within_window
from bot.discord.languages import language_for
from bot.discord.options import public_sessions, session_id
from bot.event.models import LEVEL_NAMES, InterestResult, Level, level_name
from bot.i18n import ENGLISH, Language
from bot.shards import enter_guild

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

BUTTON_STYLES = {Level.NONE: discord.ButtonStyle.secondary,
                 Level.A_LITTLE: discord.ButtonStyle.secondary,
                 Level.YES: discord.ButtonStyle.primary,
                 Level.VERY: discord.ButtonStyle.success}


class InterestButton(discord.ui.DynamicItem[discord.ui.Button],
                     template=r"interest:(?P<session>[0-9]{1,20}):(?P<level>[0-9]{1,3})"):
    def __init__(self, session_id: int, level: int, language: Language = ENGLISH):
        super().__init__(discord.ui.Button(
            label=level_name(level, language).capitalize(),
            style=BUTTON_STYLES.get(level, discord.ButtonStyle.secondary),
            custom_id=f"interest:{session_id}:{level}"))
        self.session_id = session_id
        self.level = level

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[SchedulerBot],
                             item: discord.ui.Button, match: re.Match[str], /
                             ) -> InterestButton:
        return cls(int(match["session"]), int(match["level"]))

    async def interaction_check(self, interaction: discord.Interaction[SchedulerBot]) -> bool:
        enter_guild(interaction.guild_id)  # the log records of this interaction say its shard
        return True

    async def callback(self, interaction: discord.Interaction[SchedulerBot]) -> None:
        """Gate, commit the level, then answer privately: the reply never precedes the COMMIT
        (deferred first when the database is slow), and a refusal is the same private message
        a command gives."""
        try:
            result = await within_window(interaction, _set_interest(
                interaction, self.session_id, self.level))
        except Exception as e:
            await errors.handle_error(interaction, e)
            return
        await say(interaction, interest_saved(result.title, result.level,
                                              language_for(interaction)))


async def _set_interest(interaction: discord.Interaction[SchedulerBot], session: int,
                        level: int) -> InterestResult:
    guild_id, actor, _ = await attendee_actor(interaction)
    return await interaction.client.service.set_interest(guild_id, actor, session, level)


@app_commands.command(description="Say how much you want to attend a session")
@app_commands.guild_only()
@app_commands.choices(level=[app_commands.Choice(name=LEVEL_NAMES[lv], value=int(lv))
                             for lv in Level])
@app_commands.autocomplete(session=public_sessions)
@app_commands.describe(
    session="A session (start typing its title)",
    level="How much you want to attend it",
)
async def interest(interaction: discord.Interaction[SchedulerBot], session: str,
                   level: app_commands.Choice[int]) -> None:
    result = await within_window(interaction, _set_interest(interaction, session_id(session),
                                                            level.value))
    await say(interaction, interest_saved(result.title, result.level,
                                          language_for(interaction)))


def interest_view(session_id: int, live: bool = True,
                  language: Language = ENGLISH) -> discord.ui.View:
    """The buttons under a session's post, labelled in `language` (the server's: everyone
    reads them), disabled when the session no longer takes interest (not `live`: withdrawn,
    or waiting for approval). Every item is dynamic, so discord.py keeps nothing per posted
    message."""
    view = discord.ui.View(timeout=None)
    for level in Level:
        button = InterestButton(session_id, int(level), language)
        button.item.disabled = not live
        view.add_item(button)
    return view


def interest_saved(title: str, level: int, language: Language = ENGLISH) -> str:
    """The confirmation a press and `/interest` both give, in the reader's `language`."""
    return language.gettext("Your interest in “{title}” is now **{level}**.",
                            title=embeds.literal(title), level=level_name(level, language))
