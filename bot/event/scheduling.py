"""Scheduling through the engine, schedule versions, and the published timetable's views."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from bot.event import views
from bot.event.base import (
    RulesBase,
    check_actor,
    check_id,
    event_row,
    require_admin,
    session_views,
)
from bot.event.calendar import mentioned
from bot.event.changes import TextFormat, TimeFormat, plain
from bot.event.errors import (
    Conflict,
    EventError,
    Forbidden,
    InvalidInput,
    NotFound,
    NotPublished,
    RunStopped,
)
from bot.event.models import (
    Actor,
    Baseline,
    Entry,
    ItineraryItem,
    MySchedule,
    Publication,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    PublishedView,
    RoomView,
    ScheduleVersion,
    SolveRun,
)
from bot.event.preview import Preview, preview
from bot.event.runs import (
    INTERRUPTED,
    NOT_QUEUED,
    STOPPED_BEFORE_START,
    stored_error,
    wait_for_end,
)
from bot.event.solving import ProgressCallback
from bot.event.spans import spans
from bot.event.times import from_utc_text, zone
from bot.i18n import ENGLISH, N_, Language, Message
from bot.storage import (
    Row,
    Tx,
    constraints,
    events,
    now_text,
    runs,
    schedules,
    sessions,
    timetable,
)
from scheduler_core.evaluate import utility_of
from scheduler_core.models import Instance, InvalidInstance, Result


class SchedulingRules(RulesBase):
    async def run_schedule(self, guild_id: int, actor: Actor, *,
                           progress: ProgressCallback | None = None,
                           cancel: asyncio.Event | threading.Event | None = None,
                           waiting: Callable[[str | None], Any] | None = None,
                           time_limit: float = 10.0, seed: int = 0, move_weight: int = 100,
                           iterations: int | None = None,
                           freeze_minutes: int | None = None) -> ScheduleVersion:
        """Solve and store the result as a new, unpublished version: `start_schedule_run`,
        then `wait_for_run` (`progress` as the figures improve; `cancel.set()` stops the
        engine early, and the best timetable found so far is stored)."""
        run = await self.start_schedule_run(
            guild_id, actor, time_limit=time_limit, seed=seed, move_weight=move_weight,
            iterations=iterations, freeze_minutes=freeze_minutes)
        return await self.wait_for_run(guild_id, actor, run.id, progress=progress,
                                       cancel=cancel, waiting=waiting)

    async def start_schedule_run(self, guild_id: int, actor: Actor, *, time_limit: float = 10.0,
                                 seed: int = 0, move_weight: int = 100,
                                 iterations: int | None = None,
                                 freeze_minutes: int | None = None) -> SolveRun:
        """Take the snapshot, write the run and hand it to the solver (bot/event/runs.py);
        returns at once, the run queued. One run per event at a time (Conflict otherwise),
        across every process on the database.

        The snapshot holds public sessions; the published version is `previous`. Locked slots,
        and (with `freeze_minutes`) slots that have started or start within that many minutes,
        are left alone: their published sessions are `fixed` and nothing else goes there.
        """
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        if not isinstance(time_limit, int | float) or not 0 < time_limit <= 3600:
            raise InvalidInput(N_("The time limit must be between 0 and 3600 seconds."))
        if iterations is not None and (not isinstance(iterations, int) or iterations < 0):
            raise InvalidInput(N_("The iterations must be a number of at least 0."))
        frozen_before = None
        if freeze_minutes is not None:
            if not isinstance(freeze_minutes, int) or not 0 <= freeze_minutes <= 24 * 60:
                raise InvalidInput(N_("The freeze window must be between 0 and 1440 minutes."))
            frozen_before = datetime.fromtimestamp(self._clock() + 60 * freeze_minutes, UTC)
        options = json.dumps({"time_limit": float(time_limit), "seed": int(seed),
                              "move_weight": int(move_weight), "iterations": iterations,
                              "freeze_minutes": freeze_minutes})

        async def tx(conn: Tx) -> Row:
            running = await runs.active(conn, guild_id)
            if running is not None:
                if self.solver.is_alive(running):
                    raise Conflict(N_("The scheduler is already running for this event; wait "
                                      "for it to finish (or stop it)."))
                await runs.finish(conn, running["id"], "failed", now_text(),
                                  error=INTERRUPTED)
            instance = await snapshot(conn, guild_id, frozen_before)
            run_id = await runs.insert(conn, guild_id, actor.user_id, now_text(), options,
                                       instance.model_dump_json())
            return await runs.get(conn, run_id)
        row = await self.db.write(tx, guild=guild_id)
        try:
            await self.solver.submit(row["id"])
        except BaseException:
            await self.db.write(lambda conn: runs.finish(
                conn, row["id"], "failed", now_text(),
                error=NOT_QUEUED), guild=guild_id)
            raise
        return views.solve_run(row)

    async def wait_for_run(self, guild_id: int, actor: Actor, run_id: int, *,
                           progress: ProgressCallback | None = None,
                           cancel: asyncio.Event | threading.Event | None = None,
                           waiting: Callable[[str | None], Any] | None = None
                           ) -> ScheduleVersion:
        """Follow a run until it ends (admins): its figures to `progress` as they improve, a
        stop asked once `cancel` is set, why a queued run waits to `waiting` as it changes
        (`runs.NO_WORKER`: no solve worker runs; None); the version it stored. A run that
        ended without one raises: RunStopped when it was stopped without one, else
        EventError with the reason."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        await self._run_row(guild_id, check_id(run_id, "run"))
        final = await wait_for_end(self.db, run_id, progress, cancel,
                                   lambda: self.cancel_run(guild_id, actor, run_id),
                                   waiting, self.solver.waiting_for)
        if final["status"] == "cancelled":
            raise RunStopped(stored_error(final["error"], STOPPED_BEFORE_START))
        if final["status"] != "done" or final["version_id"] is None:
            raise EventError(stored_error(final["error"]))

        async def tx(conn: Tx) -> ScheduleVersion:
            ev = await event_row(conn, guild_id)
            row = await _stored_version(conn, guild_id, final["version_id"])
            return (await _version_views(conn, guild_id, [row], ev["published_version_id"]))[0]
        return await self.db.read(tx)

    async def cancel_run(self, guild_id: int, actor: Actor,
                         run_id: int | None = None) -> SolveRun:
        """Stop a run (default: the event's active one; admins). A queued run ends at once,
        cancelled; a running one stops its engine, which stores the best timetable found so
        far. A run that has ended is left as it is."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        if run_id is not None:
            run_id = check_id(run_id, "run")

        async def tx(conn: Tx) -> Row:
            row = (await runs.active(conn, guild_id) if run_id is None
                   else await runs.get(conn, run_id))
            if row is None or row["guild_id"] != guild_id:
                raise NotFound(N_("The scheduler is not running for this event.")
                               if run_id is None else N_("There is no such run."))
            if row["status"] == "queued":
                await runs.finish(conn, row["id"], "cancelled", now_text(),
                                  error=STOPPED_BEFORE_START)
            elif row["status"] == "running":
                await runs.request_cancel(conn, row["id"])
            return await runs.get(conn, row["id"])
        row = await self.db.write(tx, guild=guild_id)
        if row["status"] == "cancelled":
            await self.solver.cancelled(row)
        return views.solve_run(row)

    async def solve_runs(self, guild_id: int, actor: Actor, limit: int = 20) -> list[SolveRun]:
        """The event's latest runs, newest first (admins)."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        rows = await self.db.read(lambda conn: runs.of_guild(conn, guild_id, limit))
        return [views.solve_run(r) for r in rows]

    async def _run_row(self, guild_id: int, run_id: int) -> Row:
        row = await self.db.read(lambda conn: runs.get(conn, run_id))
        if row is None or row["guild_id"] != guild_id:
            raise NotFound(N_("There is no such run."))
        return row

    async def schedule_versions(self, guild_id: int, actor: Actor) -> list[ScheduleVersion]:
        """Every stored run with its figures (admins)."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))

        async def tx(conn: Tx) -> list[ScheduleVersion]:
            ev = await event_row(conn, guild_id)
            return await _version_views(conn, guild_id, await schedules.versions(conn, guild_id),
                                        ev["published_version_id"])
        return await self.db.read(tx)

    async def schedule_version(self, guild_id: int, actor: Actor,
                               version_id: int | None = None) -> ScheduleVersion:
        """One stored run with its figures (admins); default: the latest."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        if version_id is not None:
            version_id = check_id(version_id, "schedule version")

        async def tx(conn: Tx) -> ScheduleVersion:
            ev = await event_row(conn, guild_id)
            if version_id is None:
                row = await schedules.latest_version(conn, guild_id)
                if row is None:
                    raise NotFound(N_("No timetable has been computed yet: run /admin "
                                      "schedule run first."))
            else:
                row = await _stored_version(conn, guild_id, version_id)
            return (await _version_views(conn, guild_id, [row],
                                         ev["published_version_id"]))[0]
        return await self.db.read(tx)

    async def publish(self, guild_id: int, actor: Actor, version_id: int | None = None, *,
                      make_visible: bool = False) -> Publication:
        """Make a stored version (default: the latest) the published schedule (admins); one
        published at a time. With `make_visible`, attendees see it from now on (what
        /admin schedule publish does); otherwise `schedule_visible` stays as it was."""
        if version_id is not None:
            version_id = check_id(version_id, "schedule version")

        async def fn(conn: Tx, ev: Row) -> Publication:
            if version_id is None:
                row = await schedules.latest_version(conn, guild_id)
                if row is None:
                    raise NotFound(N_("Nothing to publish yet: run /admin schedule run first."))
            else:
                row = await _stored_version(conn, guild_id, version_id)
            published = row["id"]
            await schedules.mark_published(conn, guild_id, published, now_text())
            if make_visible:
                await events.update_event(conn, guild_id, {"schedule_visible": True})
            after = await event_row(conn, guild_id)
            slot_rows = await timetable.slots(conn, guild_id)
            before = ev["published_version_id"]
            return Publication(
                guild_id, (await _version_views(conn, guild_id, [row], published))[0], before,
                views.settings(after, with_code=False),
                await _laid_out(conn, guild_id, after, published, slot_rows),
                tuple(views.room(r) for r in await timetable.rooms(conn, guild_id)),
                None if before in (None, published)
                else await _as_published(conn, guild_id, after, before, slot_rows))
        return await self._admin_write(guild_id, actor, fn)

    async def engine_instance(self, guild_id: int, actor: Actor) -> Instance:
        """The engine's input for the event as it stands (admins), what a run would solve:
        for the offline CLI (`session-scheduler export-instance`, then `solve`)."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        return await self.db.read(lambda conn: snapshot(conn, guild_id))

    # ------------------------------------------------------------------------------ queries

    async def published_timetable(self, guild_id: int, actor: Actor) -> PublishedTimetable:
        """The published schedule by day, slot and room, with expected attendance."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> PublishedTimetable:
            ev, slot_rows, by_slot = await _published(conn, guild_id, actor)
            return await _laid_out(conn, guild_id, ev, ev["published_version_id"], slot_rows,
                                   by_slot)
        return await self.db.read(tx)

    async def itinerary(self, guild_id: int, actor: Actor,
                        user_id: int | None = None) -> list[ItineraryItem]:
        """For each slot of the published schedule: where the actor is expected, and options.

        Expected = the session they propose in that slot, else their highest level there
        (ties: the larger expected audience); alternatives = the others they rated, best first.
        `user_id`: someone else's itinerary, which only the system (reminders) may read.
        """
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        whose = actor.user_id
        if user_id is not None:
            if not actor.is_system:
                raise Forbidden(N_("Only your own itinerary can be read."))
            whose = check_id(user_id, "user")

        async def tx(conn: Tx) -> list[ItineraryItem]:
            _, slot_rows, by_slot = await _published(conn, guild_id, actor)
            return await _itinerary(conn, guild_id, whose, slot_rows, by_slot)
        return await self.db.read(tx)

    async def published_view(self, guild_id: int, actor: Actor) -> PublishedView:
        """The published timetable with the event's name and the sessions (public ones and the
        actor's own, with the actor's levels), from one consistent read."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> PublishedView:
            ev, slot_rows, by_slot = await _published(conn, guild_id, actor)
            return await _published_view(conn, guild_id, actor, ev, slot_rows, by_slot)
        return await self.db.read(tx)

    async def my_schedule(self, guild_id: int, actor: Actor) -> MySchedule:
        """The itinerary with the published timetable and the sessions it refers to, so that
        /myschedule can explain clashes and attach a calendar from one consistent read."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> MySchedule:
            ev, slot_rows, by_slot = await _published(conn, guild_id, actor)
            view = await _published_view(conn, guild_id, actor, ev, slot_rows, by_slot)
            items = await _itinerary(conn, guild_id, actor.user_id, slot_rows, by_slot)
            return MySchedule(view.event_name, view.timetable, view.sessions, view.names,
                              items=tuple(items),
                              left=await _left(conn, guild_id, actor.user_id, slot_rows, items))
        return await self.db.read(tx)

    # --------------------------------------------------- inputs of change notices (admins)

    async def version_timetable(self, guild_id: int, actor: Actor,
                                version_id: int) -> PublishedTimetable:
        """Any stored version laid out like the published timetable (admins), so a preview can
        be compared with the published version (see bot/event/changes.py)."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        version_id = check_id(version_id, "schedule version")

        async def tx(conn: Tx) -> PublishedTimetable:
            ev = await event_row(conn, guild_id)
            await _stored_version(conn, guild_id, version_id)
            return await _laid_out(conn, guild_id, ev, version_id,
                                   await timetable.slots(conn, guild_id))
        return await self.db.read(tx)

    async def preview_version(self, guild_id: int, actor: Actor, version: ScheduleVersion,
                              fmt: TimeFormat, esc: TextFormat = plain,
                              t: Language = ENGLISH) -> Preview:
        """The organiser's preview of a stored version against the version published now
        (admins), from one read: its timetable, the published one (unless it is the same
        version), the rooms and what keeping the published one was worth at the run."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        version_id = check_id(version.id, "schedule version")

        async def tx(conn: Tx) -> tuple[PublishedTimetable, PublishedTimetable | None,
                                        Baseline | None, list[RoomView], str]:
            ev = await event_row(conn, guild_id)
            await _stored_version(conn, guild_id, version_id)
            slot_rows = await timetable.slots(conn, guild_id)
            version_tt = await _laid_out(conn, guild_id, ev, version_id, slot_rows)
            published_id = ev["published_version_id"]
            published_tt = None
            if published_id is not None and published_id != version_id:
                published_tt = await _as_published(conn, guild_id, ev, published_id, slot_rows)
            base = await schedules.baseline(conn, guild_id, version_id)
            return (version_tt, published_tt,
                    None if base is None else Baseline(base["based_on"], base["kept_utility"]),
                    [views.room(r) for r in await timetable.rooms(conn, guild_id)], ev["name"])
        # the comparison and its wording run after the read, not while it holds a connection
        version_tt, published_tt, baseline, rooms, name = await self.db.read(tx)
        return preview(version, version_tt, published_tt, baseline, rooms, fmt, esc, name, t)

    async def interest_levels(self, guild_id: int, actor: Actor,
                              session_ids: list[int] | None = None) -> dict[int, dict[int, int]]:
        """session id → {user id → level} for these sessions, or all (admins): who to tell
        when sessions move."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        ids = None if session_ids is None else [check_id(s, "session") for s in session_ids]

        async def tx(conn: Tx) -> dict[int, dict[int, int]]:
            await event_row(conn, guild_id)
            out: dict[int, dict[int, int]] = {}
            for r in await sessions.interest_in(conn, guild_id, ids):
                out.setdefault(r["session_id"], {})[r["user_id"]] = r["level"]
            return out
        return await self.db.read(tx)


async def snapshot(conn: Tx, guild_id: int, frozen_before: datetime | None = None) -> Instance:
    """The engine's input for the guild's event as it stands: public sessions with all their
    hosts, length, track and the slots they may take (a pin overrides the hosts'
    availability; a pin with a room is `fixed`), the pairs that must not run at the same time,
    the attendees' availability, the published version as `previous`, and its sessions in
    frozen slots as `fixed` (a lock outranks a pin)."""
    ev = await event_row(conn, guild_id)
    slot_rows = await timetable.slots(conn, guild_id)
    room_rows = await timetable.rooms(conn, guild_id)
    session_rows = await sessions.public_sessions(conn, guild_id)
    if not [s for s in slot_rows if not s["is_break"]] or not room_rows:
        raise InvalidInput(N_("Add slots and rooms before running the scheduler."))
    if not session_rows:
        raise InvalidInput(N_("There are no public sessions to schedule yet."))
    public_ids = {s["id"] for s in session_rows}
    allowed, pinned_rooms = await _allowed_now(conn, guild_id, public_ids, slot_rows,
                                               {s["id"]: s for s in session_rows}, strict=True)
    hosts = await hosts_now(conn, guild_id, session_rows)
    locked = {s["id"] for s in slot_rows
              if s["locked"] or (frozen_before is not None
                                 and from_utc_text(s["start_utc"]) <= frozen_before)}
    previous = None
    fixed: list[dict[str, str]] = []
    if ev["published_version_id"] is not None:
        placed = [p for p in await schedules.placements(conn, ev["published_version_id"])
                  if p["session_id"] in public_ids]
        previous = [{"session": str(p["session_id"]), "slot": str(p["slot_id"]),
                     "room": str(p["room_id"])} for p in placed]
        fixed = [f for f, p in zip(previous, placed, strict=True)  # locked in any slot it takes
                 if any(r["id"] in locked
                        for r in timetable.covered(slot_rows, p["slot_id"], p["length"]))]
    locked_in = {int(f["session"]) for f in fixed}
    for sid in locked_in:  # a fixed session stays put even if its allowed slots changed since
        allowed.pop(sid, None)
    for sid, (slot_id, room_id) in pinned_rooms.items():
        if sid not in locked_in:
            fixed.append({"session": str(sid), "slot": str(slot_id), "room": str(room_id)})
    usable = {s["id"] for s in slot_rows if not s["is_break"]}
    tz = zone(ev["timezone"])

    def local(utc_text: str) -> str:
        return from_utc_text(utc_text).astimezone(tz).isoformat()
    data = {
        # in the event's time zone: the engine reads a slot's day from its start as given
        "slots": [{"id": str(s["id"]), "start": local(s["start_utc"]), "end": local(s["end_utc"]),
                   "is_break": bool(s["is_break"]), "locked": s["id"] in locked}
                  for s in slot_rows],
        "rooms": [{"id": str(r["id"]), "name": r["name"], "capacity": r["capacity"]}
                  for r in room_rows],
        "sessions": [{"id": str(s["id"]), "title": s["title"],
                      "proposers": [str(u) for u in hosts[s["id"]]],
                      "allowed_slots": ([str(x) for x in allowed[s["id"]]]
                                        if s["id"] in allowed else None),
                      "length": s["length"], "track": s["track"]}
                     for s in session_rows],
        "interest": [{"attendee": str(i["user_id"]), "session": str(i["session_id"]),
                      "level": i["level"]}
                     for i in await sessions.public_interest(conn, guild_id)],
        "fixed": fixed,
        "previous": previous,
        "not_in_parallel": [[str(a), str(b)]
                            for a, b in await constraints.not_in_parallel(conn, guild_id)
                            if a in public_ids and b in public_ids],
        "availability": [{"attendee": str(user), "slots": [str(x) for x in slots_here
                                                          if x in usable]}
                         for user, slots_here in
                         (await constraints.availability(conn, guild_id)).items()],
        "capacity_mode": "seats" if ev["seats_count"] else "ignore",
    }
    try:
        return Instance.model_validate(data)
    except (InvalidInstance, ValidationError) as e:
        problems = _instance_problems(e)
        raise InvalidInput(N_("The event cannot be scheduled as it is: {problems}",
                              problems="; ".join(problems))) from None


def _instance_problems(e: InvalidInstance | ValidationError) -> list[str]:
    """The contract's own sentences (pydantic wraps them in a report of its own)."""
    if isinstance(e, InvalidInstance):
        return e.problems
    found = [p for err in e.errors() for p in getattr((err.get("ctx") or {}).get("error"),
                                                      "problems", ())]
    return found or [err["msg"] for err in e.errors()]


async def hosts_now(conn: Tx, guild_id: int, session_rows: list[Row]) -> dict[int, list[int]]:
    """session id → every host: its proposer first, then its co-hosts."""
    cohosts = await constraints.hosts_of(conn, guild_id, [s["id"] for s in session_rows])
    return {s["id"]: [s["owner_id"], *(u for u in cohosts.get(s["id"], ())
                                       if u != s["owner_id"])] for s in session_rows}


async def _allowed_now(conn: Tx, guild_id: int, public_ids: set[int], slot_rows: list[Row],
                       session_rows: dict[int, Row], strict: bool = False
                       ) -> tuple[dict[int, list[int]], dict[int, tuple[int, int]]]:
    """The slots each session may take (absent: any), the hosts' availability overridden by
    the organisers' pins (a session of several slots pinned to its first one may take the
    ones after it); and the sessions pinned to a room too: id → (slot, room). `strict`:
    refuse a pin that leaves too few slots for its session's length."""
    allowed = await sessions.allowed_slots(conn, sorted(public_ids))
    with_room: dict[int, tuple[int, int]] = {}
    for p in await constraints.pins(conn, guild_id):
        sid = p["session_id"]
        if sid in public_ids:
            length = session_rows[sid]["length"]
            run = [r["id"] for r in timetable.covered(slot_rows, p["slot_id"], length)]
            if len(run) < length and strict:
                raise InvalidInput(N_(
                    "Session #{session} is pinned to slot #{slot} but takes {n} slots, and "
                    "fewer follow that slot on its day before a break or the day's end: pin it "
                    "to an earlier slot, or shorten it.", session=sid, slot=p["slot_id"],
                    n=length))
            allowed[sid] = run
            if p["room_id"] is not None:
                with_room[sid] = (p["slot_id"], p["room_id"])
    return allowed, with_room


async def store_run_result(conn: Tx, guild_id: int, actor: Actor, result: Result,
                           instance: Instance, frozen_before: datetime | None,
                           kept: int | None = None) -> int:
    """Store a run's result as a new version (its id), checked against the timetable as it is
    now: the run solved a snapshot, and organisers may have changed things meanwhile."""
    ev = await event_row(conn, guild_id)
    keep, unplaced = await _still_fitting(conn, guild_id, result, instance, frozen_before)
    utility, status = result.utility, result.status
    if unplaced:  # the timetable stored is not the one solved: its own figures, not proven
        utility = utility_of(instance, [(str(sid), str(sl)) for sid, sl, *_ in keep])
        status = "feasible"
    unplaced = [{"session_id": int(u.session), "reason": u.reason}
                for u in result.unplaced] + unplaced
    figures = {"status": status, "utility": utility,
               "upper_bound": result.upper_bound,
               "seed_heuristic_utility": result.seed_heuristic_utility,
               "solve_seconds": result.solve_seconds, "moved": result.moved}
    vid = await schedules.insert_version(conn, guild_id, actor.user_id, now_text(), figures,
                                         json.dumps(unplaced))
    await schedules.insert_placements(conn, vid, keep)
    if kept is not None and ev["published_version_id"] is not None:
        await schedules.set_baseline(conn, vid, ev["published_version_id"], kept)
    return vid


async def _still_fitting(conn: Tx, guild_id: int, result: Result, instance: Instance,
                         frozen_before: datetime | None
                         ) -> tuple[list[tuple[int, int, int, int, int]], list[dict]]:
    """The result's placements that still fit the timetable as it is now, each over every slot
    it takes (a session whose room was removed or taken is seated in the largest room free in
    all of them), and the others with the reason each was left out. A session fixed by the run
    may stay in its locked slots."""
    slot_rows = await timetable.slots(conn, guild_id)
    slots = {r["id"]: r for r in slot_rows}
    rooms = {r["id"]: r["capacity"] for r in await timetable.rooms(conn, guild_id)}
    public_rows = await sessions.public_sessions(conn, guild_id)
    public = await hosts_now(conn, guild_id, public_rows)
    now = {r["id"]: r for r in public_rows}
    allowed, _ = await _allowed_now(conn, guild_id, set(public), slot_rows, now)
    fixed = {(int(f.session), int(f.slot)) for f in instance.fixed}
    solved = {int(s.id): s.length for s in instance.sessions}
    order = [s.id for s in instance.slots]
    placed: list[tuple[int, int, int, int, int]] = []
    left_out: list[dict] = []
    taken: set[tuple[int, int]] = set()  # (slot, room)
    owners: set[tuple[int, int]] = set()  # (slot, host)
    tracks: set[tuple[int, str]] = set()  # (slot, track)
    apart: dict[int, set[int]] = {}
    for a, b in await constraints.not_in_parallel(conn, guild_id):
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    in_slot: dict[int, set[int]] = {}  # slot → sessions kept there

    def out(sid: int, reason: Message) -> None:  # stored in English, shown translated
        left_out.append({"session_id": sid, "reason": str(reason)})

    for a in sorted(result.assignments, key=lambda a: ((int(a.session), int(a.slot)) not in fixed,
                                                       -a.expected_attendance, a.session)):
        sid, sl, rm = int(a.session), int(a.slot), int(a.room)
        length = solved.get(sid, 1)
        i = order.index(a.slot)
        span = [int(x) for x in order[i:i + length]]  # the slots the run gave it
        rows = [slots.get(x) for x in span]
        was_fixed = (sid, sl) in fixed
        track = now[sid]["track"] if sid in now else None
        if sid not in public:
            out(sid, N_("it was withdrawn or sent back to moderation during the run"))
        elif now[sid]["length"] != length:
            out(sid, N_("its length was changed during the run"))
        elif any(r is None for r in rows):
            out(sid, N_("its slot was removed during the run") if length == 1
                else N_("one of its slots was removed during the run"))
        elif any(r["is_break"] for r in rows):
            out(sid, N_("its slot became a break during the run") if length == 1
                else N_("one of its slots became a break during the run"))
        elif any(r["locked"] for r in rows) and not was_fixed:
            out(sid, N_("its slot was locked during the run") if length == 1
                else N_("one of its slots was locked during the run"))
        elif [r["id"] for r in timetable.covered(slot_rows, sl, length)] != span:
            out(sid, N_("its slots are no longer consecutive on one day"))
        elif (frozen_before is not None and not was_fixed
              and from_utc_text(rows[0]["start_utc"]) <= frozen_before):
            out(sid, N_("its slot starts too soon to change now"))
        elif sid in allowed and not set(span) <= set(allowed[sid]) and not was_fixed:
            out(sid, N_("its hosts or the organisers limited it to other slots during the run"))
        elif any((x, host) in owners for x in span for host in public[sid]):
            out(sid, N_("one of its hosts has another session in that slot now"))
        elif track is not None and any((x, track) in tracks for x in span):
            out(sid, N_("another session of its track runs in that slot now"))
        elif any(apart.get(sid, set()) & in_slot.get(x, set()) for x in span):
            out(sid, N_("the organisers keep it apart from another session in that slot now"))
        else:
            if rm not in rooms or any((x, rm) in taken for x in span):
                free = sorted((cap, r) for r, cap in rooms.items()
                              if not any((x, r) in taken for x in span))
                if not free:
                    out(sid, N_("its room was removed during the run and no other room was "
                                "free in its slot") if length == 1 else
                        N_("its room was removed or taken and no other room was free in every "
                           "slot it takes"))
                    continue
                rm = free[-1][1]  # the largest free room
            for x in span:
                taken.add((x, rm))
                owners.update((x, host) for host in public[sid])
                in_slot.setdefault(x, set()).add(sid)
                if track is not None:
                    tracks.add((x, track))
            placed.append((sid, sl, rm, a.expected_attendance, length))
    return placed, left_out


async def _published(conn: Tx, guild_id: int, actor: Actor
                     ) -> tuple[Row, list[Row], dict[int, list[Entry]]]:
    ev = await event_row(conn, guild_id)
    if not ev["schedule_visible"] and not actor.is_admin:
        raise NotPublished()
    if ev["published_version_id"] is None:
        raise NotFound(N_("No schedule has been published yet."))
    return ev, await timetable.slots(conn, guild_id), await _entries_by_slot(
        conn, ev["published_version_id"])


async def _published_view(conn: Tx, guild_id: int, actor: Actor, ev: Row, slot_rows: list[Row],
                          by_slot: dict[int, list[Entry]]) -> PublishedView:
    tt = await _laid_out(conn, guild_id, ev, ev["published_version_id"], slot_rows, by_slot)
    found = tuple(await session_views(conn, guild_id, actor.user_id, ("public",), own=True))
    texts = [t for s in found for t in (s.title, s.description)]
    texts += [e.title for d in tt.days for ps in d.slots for e in ps.entries]
    return PublishedView(event_name=ev["name"], timetable=tt, sessions=found,
                         names=await events.display_names(conn, guild_id, mentioned(texts)))


async def _version_views(conn: Tx, guild_id: int, rows: list[Row], published_id: int | None,
                         titles: dict[int, str] | None = None) -> list[ScheduleVersion]:
    """Stored versions as results; the titles of their unplaced sessions are read once (only
    when some session was left out), unless the caller has them already."""
    unplaced = [json.loads(r["unplaced_json"]) for r in rows]
    if titles is None and any(unplaced):
        titles = await sessions.titles(conn, guild_id)
    return [views.version(r, published_id, titles or {}, u)
            for r, u in zip(rows, unplaced, strict=True)]


async def _entries_by_slot(conn: Tx, version_id: int,
                           withdrawn_since: str | None = None) -> dict[int, list[Entry]]:
    """A version's placements grouped by slot, withdrawn sessions left out; with
    `withdrawn_since` (when the version was published), those withdrawn after it are kept,
    marked: what comparing it with a new version needs, once (a session withdrawn before the
    version was published was told of then)."""
    by_slot: dict[int, list[Entry]] = {}
    placed = await schedules.placements(conn, version_id)
    cohosts = await constraints.hosts_of_sessions(conn, [p["session_id"] for p in placed])
    for p in placed:
        gone = p["status"] == "withdrawn"
        if gone and (withdrawn_since is None or p["updated_at"] <= withdrawn_since):
            continue
        by_slot.setdefault(p["slot_id"], []).append(Entry(
            session_id=p["session_id"], title=p["title"], owner_id=p["owner_id"],
            room_id=p["room_id"], room_name=p["room_name"],
            expected_attendance=p["expected_attendance"], withdrawn=gone,
            cohosts=tuple(cohosts.get(p["session_id"], ())), length=p["length"]))
    return by_slot


async def _stored_version(conn: Tx, guild_id: int, version_id: int) -> Row:
    row = await schedules.get_version(conn, guild_id, version_id)
    if row is None:
        raise NotFound(N_("There is no such schedule version."))
    return row


async def _laid_out(conn: Tx, guild_id: int, ev: Row, version_id: int, slot_rows: list[Row],
                    by_slot: dict[int, list[Entry]] | None = None) -> PublishedTimetable:
    """A version's placements by day and slot, the shape every view of a timetable uses
    (`by_slot`: its placements, when the caller has read them already)."""
    if by_slot is None:
        by_slot = await _entries_by_slot(conn, version_id)
    starting, continuing = spans(slot_rows, by_slot)
    days = []
    for d in await timetable.days(conn, guild_id):
        dv = views.day(d, slot_rows)
        days.append(PublishedDay(dv.date, dv.label, tuple(
            PublishedSlot(s, tuple(starting.get(s.id, ())), tuple(continuing.get(s.id, ())))
            for s in dv.slots)))
    physical = any(views.room(r).is_place for r in await timetable.rooms(conn, guild_id))
    return PublishedTimetable(version_id, ev["timezone"], tuple(days), physical)


async def _as_published(conn: Tx, guild_id: int, ev: Row, version_id: int,
                        slot_rows: list[Row]) -> PublishedTimetable:
    """A published version laid out to be compared with a newer one: with the sessions
    withdrawn while it was the published one."""
    row = await _stored_version(conn, guild_id, version_id)
    by_slot = await _entries_by_slot(conn, version_id, withdrawn_since=row["published_at"] or "")
    return await _laid_out(conn, guild_id, ev, version_id, slot_rows, by_slot)


async def _left(conn: Tx, guild_id: int, user_id: int, slot_rows: list[Row],
                items: list[ItineraryItem]) -> tuple[ItineraryItem, ...]:
    """The sessions the user was expected at in a version published before, or in this one
    before they were withdrawn, and is not now (where they were last): a calendar imported
    from an earlier file still holds them, so the new file cancels them. Levels are the
    user's present ones."""
    now = {it.expected.session_id for it in items if it.expected is not None}
    gone: dict[int, ItineraryItem] = {}
    for vid in await schedules.published_ids(conn, guild_id):  # oldest first: the last wins
        by_slot = await _entries_by_slot(conn, vid, withdrawn_since="")  # withdrawn kept
        for it in await _itinerary(conn, guild_id, user_id, slot_rows, by_slot):
            if (it.expected is not None and not it.continued
                    and it.expected.session_id not in now):
                gone[it.expected.session_id] = ItineraryItem(it.slot, it.expected,
                                                             it.expected_level)
    return tuple(sorted(gone.values(), key=lambda it: (it.slot.start, it.slot.id)))


async def _itinerary(conn: Tx, guild_id: int, user_id: int, slot_rows: list[Row],
                     by_slot: dict[int, list[Entry]]) -> list[ItineraryItem]:
    """Per slot: the session the user presents (or co-hosts) there, else their highest level
    (ties: a session of several slots already running, then the larger expected audience),
    and the others they rated, best first. A session of several slots counts in each."""
    mine = await sessions.levels_of(conn, guild_id, user_id)
    starting, continuing = spans(slot_rows, by_slot)
    items = []
    for s in slot_rows:
        if s["is_break"]:
            continue
        running = {e.session_id for e in continuing.get(s["id"], ())}
        ranked = sorted(
            [*starting.get(s["id"], ()), *continuing.get(s["id"], ())],
            key=lambda e: (not e.hosted_by(user_id), -mine.get(e.session_id, 0),
                           e.session_id not in running, -e.expected_attendance,
                           e.session_id))
        ranked = [e for e in ranked if e.hosted_by(user_id) or mine.get(e.session_id, 0) > 0]
        expected = ranked[0] if ranked else None
        items.append(ItineraryItem(
            slot=views.slot(s), expected=expected,
            expected_level=mine.get(expected.session_id, 0) if expected else 0,
            alternatives=tuple((e, mine.get(e.session_id, 0)) for e in ranked[1:]),
            continued=expected is not None and expected.session_id in running))
    return items
