"""EventService: every user action on an event, one async method each, one transaction each.

Conventions:
- Every method takes the guild id (one Discord guild = one event) and the acting `Actor`.
  Rows of another guild are invisible: asking for them gives `NotFound`, exactly as for ids
  that do not exist.
- Refusals are `EventError` subclasses with a `user_message`; nothing is written when one is
  raised (the call's transaction is rolled back).
- Each call is one `Database.read` or `Database.write` (bot/storage/database.py), on SQLite
  or PostgreSQL alike: the same rules for both.

The rules are grouped by what they govern, one public module each; this class puts them
together.
"""

from __future__ import annotations

from bot.event.constraints import ConstraintRules
from bot.event.reminders import ReminderRules
from bot.event.scheduling import SchedulingRules
from bot.event.sessions import SessionRules
from bot.event.settings import SettingsRules
from bot.event.timetable import TimetableRules
from bot.event.transfer import TransferRules
from bot.event.web import WebRules


class EventService(SettingsRules, SessionRules, TimetableRules, TransferRules, SchedulingRules,
                   ReminderRules, ConstraintRules, WebRules):
    """The rules of one bot process over one database (any number of guilds)."""
