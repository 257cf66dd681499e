"""What the bot mirrors into Discord, without Discord: the scheduled event each placed session
should have, a fingerprint of it, the plan that brings Discord in step with the published
schedule, and the stored records (events created, session threads).

Kept apart from `EventService` (no actor, no rules): these are the bot's own records, like
`bot/event/posting.py`. The Discord side is `bot/discord/mirror.py` and `bot/discord/threads.py`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bot.event.times import from_utc_text
from bot.storage import Database, mirror

# Discord's guild scheduled event entity types and its limits
STAGE, VOICE, EXTERNAL = 1, 2, 3
GUILD_ONLY = 2
NAME_MAX, DESCRIPTION_MAX, LOCATION_MAX = 100, 1000, 100
ChannelKind = Literal["stage", "voice"] | None


@dataclass(frozen=True, slots=True)
class MirrorItem:
    """One placed session of the published schedule."""

    session_id: int
    title: str
    description: str
    start: datetime  # aware, UTC
    end: datetime
    room_name: str
    voice_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Mirrored:
    event_id: int
    fingerprint: str


@dataclass(frozen=True, slots=True)
class SessionThread:
    session_id: int
    channel_id: int
    message_id: int
    thread_id: int


@dataclass(slots=True)
class SyncPlan:
    """Session ids by what Discord needs: created, updated (changed), deleted (no longer
    placed), left alone (unchanged, or already started: Discord refuses to move those)."""

    create: list[int] = field(default_factory=list)
    update: list[int] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def event_spec(item: MirrorItem, channel_kind: ChannelKind) -> dict[str, Any]:
    """The scheduled event's fields as Discord's API takes them. `channel_kind` says what the
    room's mapped channel is in the guild (None: no usable channel, an external event at the
    room's name)."""
    spec: dict[str, Any] = {
        "name": _cut(item.title.strip() or f"Session {item.session_id}", NAME_MAX),
        "description": _cut(item.description, DESCRIPTION_MAX),
        "privacy_level": GUILD_ONLY,
        "scheduled_start_time": _iso(item.start),
        "scheduled_end_time": _iso(item.end),
    }
    if channel_kind is not None and item.voice_channel_id is not None:
        spec.update(entity_type=STAGE if channel_kind == "stage" else VOICE,
                    channel_id=str(item.voice_channel_id), entity_metadata=None)
    else:
        spec.update(entity_type=EXTERNAL, channel_id=None,
                    entity_metadata={"location": _cut(item.room_name, LOCATION_MAX)})
    return spec


def fingerprint(spec: Mapping[str, Any]) -> str:
    """Stable over restarts and key order: equal fingerprints mean nothing to send."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def plan_sync(wanted: Mapping[int, tuple[datetime, str]], stored: Mapping[int, Mirrored],
              now: datetime) -> SyncPlan:
    """`wanted`: session id → (start, fingerprint) of each placed session. Sessions that have
    started are not created or moved (Discord refuses events in the past and start changes of
    running ones); events of sessions no longer placed are deleted."""
    plan = SyncPlan()
    for sid in sorted(wanted):
        start, fp = wanted[sid]
        old = stored.get(sid)
        if old is not None and old.fingerprint == fp:
            plan.unchanged.append(sid)
        elif start <= now:
            plan.started.append(sid)
        elif old is None:
            plan.create.append(sid)
        else:
            plan.update.append(sid)
    plan.delete = sorted(set(stored) - set(wanted))
    return plan


class MirrorStore:
    """Stored records of the mirror and of session threads (one transaction per call)."""

    def __init__(self, db: Database):
        self.db = db

    async def wanted(self, guild_id: int) -> tuple[bool, list[MirrorItem]]:
        """(switch on?, placed sessions of the published version). Off when there is no event."""
        def tx(conn) -> tuple[bool, list[MirrorItem]]:
            on = mirror.mirror_enabled(conn, guild_id)
            if not on:
                return False, []
            return True, [MirrorItem(
                session_id=r["session_id"], title=r["title"], description=r["description"],
                start=from_utc_text(r["start_utc"]), end=from_utc_text(r["end_utc"]),
                room_name=r["room_name"], voice_channel_id=r["voice_channel_id"])
                for r in mirror.published_sessions(conn, guild_id)]
        return await self.db.read(tx)

    async def mirrored(self, guild_id: int) -> dict[int, Mirrored]:
        rows = await self.db.read(lambda conn: mirror.mirrored(conn, guild_id))
        return {r["session_id"]: Mirrored(r["discord_event_id"], r["fingerprint"]) for r in rows}

    async def remember(self, guild_id: int, session_id: int, event_id: int,
                       fp: str) -> None:
        await self.db.write(
            lambda conn: mirror.set_mirrored(conn, guild_id, session_id, event_id, fp))

    async def forget(self, guild_id: int, session_id: int) -> None:
        await self.db.write(lambda conn: mirror.forget_mirrored(conn, guild_id, session_id))

    # ----------------------------------------------------------------------- session threads

    async def threads(self, guild_id: int) -> dict[int, int]:
        """session id → thread id."""
        rows = await self.db.read(lambda conn: mirror.threads(conn, guild_id))
        return {r["session_id"]: r["thread_id"] for r in rows}

    async def thread_of(self, guild_id: int, session_id: int) -> SessionThread | None:
        row = await self.db.read(lambda conn: mirror.thread_of(conn, guild_id, session_id))
        return None if row is None else SessionThread(
            row["session_id"], row["channel_id"], row["message_id"], row["thread_id"])

    async def add_thread(self, guild_id: int, t: SessionThread) -> bool:
        """False when the session had a thread already (that one stays)."""
        return await self.db.write(lambda conn: mirror.add_thread(
            conn, guild_id, t.session_id, t.channel_id, t.message_id, t.thread_id))
