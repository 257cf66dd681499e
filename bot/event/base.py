"""What every group of rules shares: the checks of arguments, the event row, the service's
state. Each rules call checks what it is given (it is the boundary the Discord layer, the CLI
and the tests call), then runs one transaction."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Self

from bot.event import codes, maintenance, views
from bot.event.errors import Forbidden, InvalidInput, NotFound
from bot.event.models import Actor, Level, SessionView
from bot.event.runs import LocalSolver, Solver
from bot.event.solving import engine_worker
from bot.event.text import clean_display_name
from bot.i18n import N_, NP_, Message
from bot.storage import (
    Database,
    Row,
    Tx,
    constraints,
    events,
    open_database,
    sessions,
    timetable,
)

MAX_ID = 2**63 - 1
#: The most consecutive slots one session may take.
MAX_LENGTH = 8
UNSET: Any = object()
BOOL_SETTINGS = ("verification_required", "proposals_open", "interest_open",
                 "schedule_visible", "mirror_events", "seats_count")
ID_SETTINGS = ("announcements_channel_id", "proposals_channel_id", "moderation_channel_id",
               "verified_role_id", "organiser_role_id")
_LEVELS = frozenset(int(x) for x in Level)


# ---------------------------------------------------------------------------------- checks

#: What an id names, as whole sentences: (not a number, no such thing).
_ID_WORDS: dict[str, tuple[Message, Message]] = {
    "channel": (N_("The channel id must be a number."), N_("There is no such channel.")),
    "day": (N_("The day id must be a number."), N_("There is no such day.")),
    "role": (N_("The role id must be a number."), N_("There is no such role.")),
    "room": (N_("The room id must be a number."), N_("There is no such room.")),
    "run": (N_("The run id must be a number."), N_("There is no such run.")),
    "schedule version": (N_("The schedule version id must be a number."),
                         N_("There is no such schedule version.")),
    "server": (N_("The server id must be a number."), N_("There is no such server.")),
    "session": (N_("The session id must be a number."), N_("There is no such session.")),
    "slot": (N_("The slot id must be a number."), N_("There is no such slot.")),
    "user": (N_("The user id must be a number."), N_("There is no such user.")),
}
_ANY_ID = (N_("This id must be a number."), N_("There is no such thing here."))


def check_id(value: object, what: str) -> int:
    """Ids come from Discord or from our own lists: positive integers. Anything else is refused."""
    not_a_number, no_such = _ID_WORDS.get(what, _ANY_ID)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(not_a_number)
    if not 1 <= value <= MAX_ID:
        raise NotFound(no_such)
    return value


def check_missing(what: str) -> Message:
    """"There is no such day." for a kind of thing the ids name."""
    return _ID_WORDS.get(what, _ANY_ID)[1]


def check_actor(actor: object) -> Actor:
    if not isinstance(actor, Actor):
        raise InvalidInput(N_("Unknown user."))
    if not actor.is_system:
        check_id(actor.user_id, "user")
    return actor


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(N_("Only the event's admins can do this."))


def check_bool(value: object, what: str | Message) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(N_("{what} must be on or off.", what=what))
    return value


def check_level(level: object) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or int(level) not in _LEVELS:
        raise InvalidInput(N_("The interest level must be one of: none, a little, yes, very."))
    return int(level)


# ------------------------------------------------------------------ inside a transaction

async def event_row(conn: Tx, guild_id: int) -> Row:
    row = await events.get_event(conn, guild_id)
    if row is None:
        raise NotFound(N_("This server has no event yet: an admin can create it with /admin "
                         "setup."))
    return row


async def touch(conn: Tx, guild_id: int, actor: Actor) -> None:
    """Record the acting attendee (on first contact, or when their name or admin flag changed)."""
    if not actor.is_system:
        await events.upsert_attendee(conn, guild_id, actor.user_id,
                                     clean_display_name(actor.display_name), actor.is_admin)


async def enter(conn: Tx, guild_id: int, actor: Actor,
                session_id: int | None = None) -> tuple[Row, bool]:
    """The event row and whether the actor is verified; records the actor, writing only if
    something changed (most calls then read one row and write nothing more). With
    `session_id`, the row also holds that session's fields (`s_*`, see
    storage.events.event_with_attendee)."""
    row = await events.event_with_attendee(conn, guild_id, actor.user_id, session_id)
    if row is None:
        await event_row(conn, guild_id)  # raises NotFound
    name = clean_display_name(actor.display_name)
    if not actor.is_system and (row["a_user_id"] is None
                                or (name and name != row["a_display_name"])
                                or bool(row["a_is_admin"]) != actor.is_admin):
        await events.upsert_attendee(conn, guild_id, actor.user_id, name, actor.is_admin)
    return row, bool(row["a_verified"])


async def session_view(conn: Tx, guild_id: int, session_id: int, user_id: int) -> SessionView:
    row = await sessions.get_session_full(conn, guild_id, session_id, user_id)
    if row is None:
        raise NotFound(N_("There is no such session."))
    allowed = (await sessions.allowed_slots(conn, [session_id])).get(session_id)
    hosts = (await constraints.hosts_of(conn, guild_id, [session_id])).get(session_id)
    return views.session(row, allowed, hosts)


async def session_views(conn: Tx, guild_id: int, user_id: int, statuses: tuple[str, ...],
                        own: bool) -> list[SessionView]:
    rows = await sessions.list_sessions(conn, guild_id, user_id, statuses, own)
    ids = [r["id"] for r in rows]
    allowed = await sessions.allowed_slots(conn, ids)
    hosts = await constraints.hosts_of(conn, guild_id, ids)
    return [views.session(r, allowed.get(r["id"]), hosts.get(r["id"])) for r in rows]


async def chosen_slots(conn: Tx, guild_id: int, slot_ids: object, day_ids: object) -> list[int]:
    """The given slots and every slot of the given days, checked (ids of this server's
    timetable; no break named on its own; a day's breaks are left out), ascending."""
    for given, refusal in ((slot_ids, N_("The slots must be a list of ids.")),
                           (day_ids, N_("The days must be a list of ids."))):
        if given is not None and not isinstance(given, list | tuple):
            raise InvalidInput(refusal)
    wanted_slots = {check_id(s, "slot") for s in slot_ids or ()}
    wanted_days = {check_id(d, "day") for d in day_ids or ()}
    rows = await timetable.slots(conn, guild_id)
    by_id = {r["id"]: r for r in rows}
    days = {d["id"] for d in await timetable.days(conn, guild_id)}
    for sl in sorted(wanted_slots):
        if sl not in by_id:
            raise NotFound(N_("There is no slot #{slot}.", slot=sl))
        if by_id[sl]["is_break"]:
            raise InvalidInput(N_("Slot #{slot} is a break: no session takes place there.",
                                      slot=sl))
    for d in sorted(wanted_days):
        if d not in days:
            raise NotFound(N_("There is no day #{day}.", day=d))
    return sorted(r["id"] for r in rows if not r["is_break"]
                  and (r["id"] in wanted_slots or r["day_id"] in wanted_days))


def may_change(row: Row, actor: Actor) -> bool:
    """A session's proposer, or an admin, may edit or withdraw it."""
    return row["owner_id"] == actor.user_id or actor.is_admin


#: What a proposer may do to their own session, as whole sentences.
_OWN_OR_ADMIN = {
    "edit": N_("Only the session's proposer or an admin can edit it."),
    "withdraw": N_("Only the session's proposer or an admin can withdraw it."),
    "restrict": N_("Only the session's proposer or an admin can restrict it."),
    "change the hosts of": N_("Only the session's proposer or an admin can change its hosts."),
    "see the scheduling of": N_("Only the session's proposer or an admin can see how it is "
                                "scheduled."),
}


def own_or_admin(row: Row, actor: Actor, action: str) -> None:
    if not may_change(row, actor):
        raise Forbidden(_OWN_OR_ADMIN.get(action, N_("Only the session's proposer or an admin "
                                                     "can do this.")))


async def visible_session(conn: Tx, guild_id: int, session_id: int, actor: Actor) -> Row:
    """A session the actor may see: public ones, their own, and any for admins."""
    row = await sessions.get_session(conn, guild_id, check_id(session_id, "session"))
    if row is None or (row["status"] != "public" and row["owner_id"] != actor.user_id
                       and not actor.is_admin):
        raise NotFound(N_("There is no such session."))
    return row


def published_count_message(n: int, what: str) -> Message:
    """Why a day, slot or room with published sessions is not removed without force."""
    if what == "day":
        return NP_("This day holds {n} session of the published schedule. Remove it with force "
                   "to unschedule it, or publish a schedule without it first.",
                   "This day holds {n} sessions of the published schedule. Remove it with force "
                   "to unschedule them, or publish a schedule without them first.", n)
    if what == "room":
        return NP_("This room holds {n} session of the published schedule. Remove it with "
                   "force to unschedule it, or publish a schedule without it first.",
                   "This room holds {n} sessions of the published schedule. Remove it with "
                   "force to unschedule them, or publish a schedule without them first.", n)
    return NP_("This slot holds {n} session of the published schedule. Remove it with force "
               "to unschedule it, or publish a schedule without it first.",
               "This slot holds {n} sessions of the published schedule. Remove it with force "
               "to unschedule them, or publish a schedule without them first.", n)


def _default_solver(db: Database, clock: Callable[[], float],
                    target: Callable[..., None]) -> Solver:
    if db.kind == "postgresql":
        from bot.event.solve_queue import QueueSolver
        return QueueSolver(db, db.url)  # type: ignore[attr-defined]
    return LocalSolver(db, clock=clock, target=target)


class RulesBase:
    """The rules of one bot process over one database (any number of guilds)."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time,
                 code_factory: Callable[[], str] = codes.new_code,
                 solver: Solver | None = None,
                 solver_target: Callable[..., None] = engine_worker):
        """`solver`: who executes runs of the scheduler; by default the engine's own way (on
        SQLite this process, the engine `solver_target` in a child process; on PostgreSQL the
        job queue that `session-scheduler worker` serves)."""
        self.db = db
        self._clock = clock
        self._new_code = code_factory
        self.solver = solver or _default_solver(db, clock, solver_target)
        self._pruned: dict[int, float] = {}  # guild → when its strangers were last looked for
        self._backed_up: dict[int, float] = {}  # guild → its last backup
        self._burst_told: dict[int, float] = {}  # guild → when organisers heard of guessing

    @classmethod
    async def open(cls, database: str | Path, **kwargs: Any) -> Self:
        """On a SQLite file (path) or a PostgreSQL database (`postgresql://` URL), with the
        one-off data fixes of this release done (bot/event/maintenance.py)."""
        db = await open_database(database)
        try:
            await maintenance.run(db)
        except BaseException:
            await db.close()
            raise
        return cls(db, **kwargs)

    async def close(self) -> None:
        try:
            await self.solver.close()
        finally:
            await self.db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _admin_write(self, guild_id: int, actor: Actor,
                           fn: Callable[[Tx, Row], Awaitable[Any]]) -> Any:
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))

        async def tx(conn: Tx) -> Any:
            ev, _ = await enter(conn, guild_id, actor)
            return await fn(conn, ev)
        return await self.db.write(tx, guild=guild_id)
