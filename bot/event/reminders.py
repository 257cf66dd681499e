"""An attendee's reminders: whether the bot DMs them before each session of their itinerary,
and how long before. The records are bot/storage/personal.py; the jobs that send them,
bot/jobs/reminders.py; the command and the DMs, bot/discord/reminders.py."""

from __future__ import annotations

import dataclasses

from bot.event.base import RulesBase, check_actor, check_bool, check_id, event_row
from bot.event.errors import InvalidInput
from bot.event.models import Actor
from bot.i18n import N_
from bot.storage import Tx, personal
from bot.storage.personal import DEFAULT_MINUTES, ReminderPrefs

MIN_MINUTES, MAX_MINUTES = 1, 120
__all__ = ["DEFAULT_MINUTES", "MAX_MINUTES", "MIN_MINUTES", "ReminderPrefs", "ReminderRules"]


class ReminderRules(RulesBase):
    async def reminder_prefs(self, guild_id: int, actor: Actor) -> ReminderPrefs:
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        return await self.db.read(lambda conn: personal.prefs(conn, guild_id, actor.user_id))

    async def set_reminders(self, guild_id: int, actor: Actor, on: bool,
                            minutes: int | None = None) -> ReminderPrefs:
        """Turn the actor's reminders on (with `minutes` before each session; default: as
        before, else 10) or off; the result says what they were before too. Turning them on
        also forgets that their DMs were closed, so the bot tries again."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        on = check_bool(on, "Reminders")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                    or not MIN_MINUTES <= minutes <= MAX_MINUTES):
            raise InvalidInput(N_("Reminders can come {min} to {max} minutes before a session.",
                                  min=MIN_MINUTES, max=MAX_MINUTES))

        async def tx(conn: Tx) -> ReminderPrefs:
            await event_row(conn, guild_id)
            before = await personal.prefs(conn, guild_id, actor.user_id)
            lead = before.minutes_before if minutes is None else minutes
            await personal.save_prefs(conn, guild_id, actor.user_id, on, lead)
            after = await personal.prefs(conn, guild_id, actor.user_id)
            return dataclasses.replace(after, previous=before)
        return await self.db.write(tx, guild=guild_id)
