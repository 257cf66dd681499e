"""What publishing a schedule version sets in motion, as an ordered list of steps.

The rules layer publishes; everything Discord should then show (the posted timetable, the
announcement jobs, and whatever later features mirror) is a step here. One step failing does
not stop the others: the organiser's reply lists what each step did or why it could not.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.event.errors import EventError
from bot.event.models import Actor, Publication

log = logging.getLogger(__name__)


Step = Callable[[Publication], Awaitable[str | None]]


class Publisher:
    def __init__(self, service):
        self.service = service
        self.steps: list[tuple[str, Step]] = []

    def add_step(self, name: str, step: Step) -> None:
        """`step` returns a line for the organiser's reply, or None to say nothing."""
        self.steps.append((name, step))

    async def publish(self, guild_id: int, actor: Actor, version_id: int | None = None
                      ) -> list[str]:
        """Publish (default: the latest version) and show it to everyone, in one rules call;
        then run every step."""
        done = await self.service.publish(guild_id, actor, version_id, make_visible=True)
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
