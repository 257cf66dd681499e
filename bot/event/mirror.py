"""What the bot mirrors into Discord, without Discord: the scheduled event each placed session
should have, a fingerprint of it, and the plan that brings Discord in step with the published
schedule. The records live in bot/storage/mirror.py; the Discord side is bot/discord/mirror.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bot.event.text import cut
from bot.storage.mirror import Mirrored, MirrorItem

# Discord's guild scheduled event entity types and its limits
STAGE, VOICE, EXTERNAL = 1, 2, 3
GUILD_ONLY = 2
NAME_MAX, DESCRIPTION_MAX, LOCATION_MAX = 100, 1000, 100
ChannelKind = Literal["stage", "voice"] | None


@dataclass(slots=True)
class SyncPlan:
    """Session ids by what Discord needs: created, updated (changed), deleted (no longer
    placed), left alone (unchanged, or already started: Discord refuses to move those)."""

    create: list[int] = field(default_factory=list)
    update: list[int] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def event_spec(item: MirrorItem, channel_kind: ChannelKind) -> dict[str, Any]:
    """The scheduled event's fields as Discord's API takes them. `channel_kind` says what the
    room's mapped channel is in the guild (None: no usable channel, an external event at the
    room's name)."""
    spec: dict[str, Any] = {
        "name": cut(item.title.strip() or f"Session {item.session_id}", NAME_MAX),
        "description": cut(item.description, DESCRIPTION_MAX),
        "privacy_level": GUILD_ONLY,
        "scheduled_start_time": _iso(item.start),
        "scheduled_end_time": _iso(item.end),
    }
    if channel_kind is not None and item.voice_channel_id is not None:
        spec.update(entity_type=STAGE if channel_kind == "stage" else VOICE,
                    channel_id=str(item.voice_channel_id), entity_metadata=None)
    else:
        spec.update(entity_type=EXTERNAL, channel_id=None,
                    entity_metadata={"location": cut(item.room_name, LOCATION_MAX)})
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
