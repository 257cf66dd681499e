"""The web pages from Discord: the server started and stopped with the bot, and the links
`/myschedule` gives privately (bot/web serves the pages; bot/event/web.py keeps the links)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.discord.languages import language_for
from bot.event.models import Actor
from bot.i18n import ENGLISH, Language
from bot.web.server import WebServer

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
#: /myschedule's `link` option.
LINK_CHOICES = [discord.app_commands.Choice(name="new: a new private link (the old one stops)",
                                            value="new"),
                discord.app_commands.Choice(name="off: stop my private link", value="off")]


def unembedded(url: str) -> str:
    """A link Discord shows without a preview."""
    return f"<{url}>"


class WebPages:
    """The bot's web server when `[web] enabled` is set in config.toml; otherwise nothing."""

    def __init__(self, bot: SchedulerBot):
        settings = bot.settings.web
        self.server = WebServer(bot.service, settings, language_of=self._language_of(bot)
                                ) if settings.enabled else None

    @staticmethod
    def _language_of(bot: SchedulerBot):
        """An event's pages speak its server's language (read from the gateway's cache)."""
        return lambda guild_id: language_for(bot.get_guild(guild_id))

    async def start(self) -> None:
        """Start the server; a port that cannot be had is logged and the bot goes on without
        its pages (Discord is what the bot is for)."""
        if self.server is not None:
            try:
                await self.server.start()
            except OSError as e:
                log.error("the web pages could not start on %s:%s (%s); going on without them",
                          self.server.settings.host, self.server.settings.port, e)
                self.server = None

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()

    async def links(self, guild_id: int, actor: Actor, link: str | None,
                    language: Language = ENGLISH) -> str | None:
        """The lines /myschedule adds about the web pages (None when they are off), in the
        reader's `language`: the public page, and the private link when it is new (shown
        once, then only its hash is kept), else how to get a new one."""
        t = language
        if self.server is None:
            return None if link is None else t.gettext("This bot serves no web pages: its "
                                                       "operator has not switched them on.")
        service = self.server.service
        if link == "off":
            stopped = await service.revoke_web_link(guild_id, actor)
            return (t.gettext("Your private page and calendar feed are switched off: their "
                              "address no longer works.") if stopped
                    else t.gettext("You had no private link."))
        made = await service.web_link(guild_id, actor, renew=link == "new")
        public = self.server.event_url(made.public_key)
        lines = [t.gettext("The timetable on the web, to share: {url}", url=unembedded(public))]
        if made.token is not None:
            page = self.server.personal_url(made.public_key, made.token)
            lines += [t.gettext("Your private page: {url}", url=unembedded(page)),
                      t.gettext("Subscribe to your schedule in a calendar app: {url}",
                                url=unembedded(page + "/calendar.ics")),
                      t.gettext("Keep these to yourself; they are shown this once. "
                                "`/myschedule link: new` replaces them, `link: off` stops "
                                "them.")]
        else:
            lines.append(t.gettext(
                "Your private page and calendar feed use the link given to you on {date}; it "
                "is not stored, so it cannot be shown again: `/myschedule link: new` gives a "
                "new one (the old one stops).",
                date=discord.utils.format_dt(made.made_at, "D")))
        return "\n".join(lines)
