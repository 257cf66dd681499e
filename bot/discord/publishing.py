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

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)

#: Returns a line for the organiser's reply, or None to say nothing.
Step = Callable[[Publication], Awaitable[str | None]]


class Publisher:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot
        self.steps: list[tuple[str, Step]] = [
            ("timetable posts", bot.announcements.publish_step),
            ("announcements", self._announcements),
            ("timetable picture", bot.pictures.step),
            ("Discord events", bot.mirror.step),
            ("reminders", self._reminders),
            ("change notices", bot.notices.tell_moves),
        ]

    async def publish(self, guild_id: int, actor: Actor, version_id: int | None = None
                      ) -> list[str]:
        """Publish (default: the latest version) and show it to everyone, in one rules call;
        then run every step."""
        done = await self.bot.service.publish(guild_id, actor, version_id, make_visible=True)
        lines = [f"Published version #{done.version.id}."]
        for name, step in self.steps:
            try:
                line = await step(done)
            except EventError as e:
                line = e.user_message
            except Exception:
                log.exception("publish step %r failed for guild %s", name, guild_id)
                line = f"Something went wrong while updating the {name}; the log has details."
            if line:
                lines.append(line)
        return lines

    async def _announcements(self, done: Publication) -> None:
        await self.bot.announcer.rebuild(done.guild_id, done.timetable)

    async def _reminders(self, done: Publication) -> None:
        await self.bot.reminders.rebuild(done.guild_id)
