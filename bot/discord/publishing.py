"""What publishing a schedule version sets in motion: one ordered list of steps.

The rules layer publishes; everything Discord should then show is a step here, in the order of
the organiser's reply. One step failing does not stop the others: the reply lists what each step
did or why it could not.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.event.errors import EventError
from bot.event.models import Actor, Publication
from bot.i18n import ENGLISH, N_, Language, Message

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)

#: Returns a line for the organiser's reply (a `Message`, said in their language), or None to
#: say nothing.
Step = Callable[[Publication], Awaitable[str | Message | None]]


class Publisher:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot
        self.steps: list[tuple[Message, Step]] = [
            (N_("Something went wrong while updating the timetable posts; the log has details."),
             bot.announcements.publish_step),
            (N_("Something went wrong while updating the announcements; the log has details."),
             self._announcements),
            (N_("Something went wrong while updating the timetable picture; the log has "
                "details."), bot.pictures.step),
            (N_("Something went wrong while updating the Discord events; the log has details."),
             bot.mirror.step),
            (N_("Something went wrong while updating the reminders; the log has details."),
             self._reminders),
            (N_("Something went wrong while updating the change notices; the log has "
                "details."), bot.notices.tell_moves),
        ]

    async def publish(self, guild_id: int, actor: Actor, version_id: int | None = None, *,
                      t: Language = ENGLISH) -> list[str]:
        """Publish (default: the latest version) and show it to everyone, in one rules call;
        then run every step. The lines for the organiser are in `t`, their language."""
        done = await self.bot.service.publish(guild_id, actor, version_id, make_visible=True)
        lines = [t.gettext("Published version #{version}.", version=done.version.id)]
        for failed, step in self.steps:
            try:
                line = await step(done)
            except EventError as e:
                line = e.message
            except Exception:
                log.exception("publish step failed for guild %s: %s", guild_id, failed)
                line = failed
            if line:
                lines.append(t.text(line))
        return lines

    async def _announcements(self, done: Publication) -> None:
        await self.bot.announcer.rebuild(done.guild_id, done.timetable)

    async def _reminders(self, done: Publication) -> None:
        await self.bot.reminders.rebuild(done.guild_id)
