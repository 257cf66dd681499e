"""Helpers for the end-to-end tests of personal messages, calendar files and previews."""

from __future__ import annotations

from tests.e2e.bot_harness import answer, session_id
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_bot_event import setup_event


async def open_event(fake: FakeDiscord) -> tuple:
    """The example event, with verification off so members take part at once."""
    channels = await setup_event(fake)
    cb = await answer(fake, "admin code required", {"on": False}, user=fake.owner)
    assert "off" in cb.content, cb.content
    return channels


async def propose(fake: FakeDiscord, title: str, user) -> int:
    cb = await answer(fake, "propose", {"title": title, "description": f"About {title}."},
                      user=user)
    assert "is public" in cb.content, cb.content
    return session_id(cb.content)


async def rate(fake: FakeDiscord, session_id: int, level: int, user) -> None:
    cb = await answer(fake, "interest", {"session": str(session_id), "level": level}, user=user)
    assert cb.ephemeral and "is now" in cb.content, cb.content


def dms(fake: FakeDiscord, member) -> list[str]:
    """The contents of the direct messages the bot sent to a member."""
    return [m["content"] for m in fake.messages_in(fake.state.dm_channel(member.user))]


def dm_attempts(fake: FakeDiscord, member) -> int:
    """Every try to post in the member's DM channel, refused ones included."""
    channel = fake.state.dm_channel(member.user).id
    return sum(1 for r in fake.requests
               if r.method == "POST" and r.path.endswith(f"/channels/{channel}/messages"))


def placements(tt) -> dict[int, tuple[int, int]]:
    """session id → (slot id, room id) of a laid-out version."""
    return {e.session_id: (ps.slot.id, e.room_id)
            for d in tt.days for ps in d.slots for e in ps.entries}


def slot_of(tt, session_id: int):
    for d in tt.days:
        for ps in d.slots:
            if any(e.session_id == session_id for e in ps.entries):
                return ps
    raise AssertionError(f"session {session_id} is not placed")
