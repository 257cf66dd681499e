"""The unconference scheduling engine: instance in, timetable out. No Discord, no database."""

from scheduler_core.models import (
    Assignment,
    Availability,
    Instance,
    Interest,
    InvalidInstance,
    Move,
    Placement,
    Result,
    Room,
    Session,
    Slot,
    Unplaced,
)

__all__ = [
    "Assignment", "Availability", "Instance", "Interest", "InvalidInstance", "Move", "Placement",
    "Result", "Room", "Session", "Slot", "Unplaced",
]
