"""EventService: every user action on an event, one async method each, one transaction each.

Conventions:
- Every method takes the guild id (one Discord guild = one event) and the acting `Actor`.
  Rows of another guild are invisible: asking for them gives `NotFound`, exactly as for ids
  that do not exist.
- Refusals are `EventError` subclasses with a `user_message`; nothing is written when one is
  raised (the call's savepoint is rolled back).
- Each call runs whole inside the database thread (see bot/storage/database.py); the inner
  `_tx` functions are synchronous and must not await.

The rules are grouped by what they are about, one module each; this class puts them together.
"""

from __future__ import annotations

from bot.event._scheduling import SchedulingRules
from bot.event._sessions import SessionRules
from bot.event._settings import SettingsRules
from bot.event._timetable import TimetableRules
from bot.event._transfer import TransferRules


class EventService(SettingsRules, SessionRules, TimetableRules, TransferRules, SchedulingRules):
    """The rules of one bot process over one database (any number of guilds)."""
