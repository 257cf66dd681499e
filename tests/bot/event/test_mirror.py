"""The mirror's plan without Discord: what each placed session's event should be, and which
events to create, update, delete or leave alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.event.mirror import EXTERNAL, VOICE, event_spec, fingerprint, plan_sync
from bot.storage.mirror import Mirrored, MirrorItem

T0 = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)


def item(sid: int = 1, title: str = "Live patching", voice: int | None = None) -> MirrorItem:
    return MirrorItem(sid, title, "d" * 1500, T0, T0 + timedelta(minutes=45), "Main hall",
                      voice)


def test_external_event_at_the_room_name_within_discord_limits():
    spec = event_spec(item(title="x" * 300), None)
    assert spec["entity_type"] == EXTERNAL and spec["channel_id"] is None
    assert spec["entity_metadata"] == {"location": "Main hall"}
    assert len(spec["name"]) == 100 and len(spec["description"]) == 1000
    assert spec["scheduled_start_time"] == "2026-07-06T08:00:00+00:00"
    assert spec["scheduled_end_time"] == "2026-07-06T08:45:00+00:00"


def test_voice_channel_only_when_it_exists():
    assert event_spec(item(voice=42), "voice")["entity_type"] == VOICE
    assert event_spec(item(voice=42), "voice")["channel_id"] == "42"
    assert event_spec(item(voice=42), None)["entity_type"] == EXTERNAL  # channel gone


def test_fingerprint_is_stable_and_sensitive():
    a = event_spec(item(), None)
    assert fingerprint(a) == fingerprint(dict(reversed(list(a.items()))))
    assert fingerprint(a) != fingerprint(event_spec(item(title="Other"), None))
    assert fingerprint(a) != fingerprint(event_spec(item(voice=7), "voice"))


def test_plan_touches_only_what_changed():
    now = T0 - timedelta(days=1)
    wanted = {1: (T0, "same"), 2: (T0, "new"), 3: (T0, "x"), 5: (now - timedelta(hours=1), "y")}
    stored = {1: Mirrored(11, "same"), 2: Mirrored(12, "old"), 4: Mirrored(14, "z")}
    plan = plan_sync(wanted, stored, now)
    assert plan.unchanged == [1] and plan.update == [2] and plan.create == [3]
    assert plan.delete == [4] and plan.started == [5]
