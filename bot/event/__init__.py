"""The event's rules: one async call per user action, no Discord import (docs/architecture.md)."""

from bot.event.errors import Conflict, EventError, Forbidden, InvalidInput, NotFound, RateLimited
from bot.event.models import Actor, Level
from bot.event.service import EventService

__all__ = [
    "Actor", "Conflict", "EventError", "EventService", "Forbidden", "InvalidInput", "Level",
    "NotFound", "RateLimited",
]
