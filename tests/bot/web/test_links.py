"""Personal links through the rules, on both engines: made once and shown once, stored only as
a hash, replaced or revoked at once; every failure the same NotFound."""

from __future__ import annotations

import hashlib

import pytest

from bot.event import Actor, NotFound
from bot.event.web import GONE
from tests.bot.conftest import ADMIN, GUILD, OTHER_GUILD
from tests.bot.helpers import dump, rows
from tests.bot.web.conftest import ALICE, BOB


async def test_a_link_is_shown_once_and_stored_only_as_its_hash(published):
    svc, token = published.service, published.token
    again = await svc.web_link(GUILD, ALICE)
    assert again.token is None and again.made_at is not None
    assert again.public_key == published.key
    stored = await rows(svc.db, "SELECT * FROM personal_links")
    assert [r["token_hash"] for r in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr(await dump(svc))
    mine = await svc.web_timetable(published.key, token)
    assert mine.user_id == ALICE.user_id and mine.items


async def test_renewing_replaces_and_revoking_stops_the_link(published):
    svc, old = published.service, published.token
    new = (await svc.web_link(GUILD, ALICE, renew=True)).token
    assert new and new != old
    with pytest.raises(NotFound):
        await svc.web_timetable(published.key, old)
    assert (await svc.web_timetable(published.key, new)).user_id == ALICE.user_id
    assert await svc.revoke_web_link(GUILD, ALICE)
    assert not await svc.revoke_web_link(GUILD, ALICE)
    with pytest.raises(NotFound):
        await svc.web_timetable(published.key, new)


async def test_every_failure_is_the_same_not_found(published):
    svc = published.service
    bob = (await svc.web_link(GUILD, BOB)).token
    await svc.setup_event(OTHER_GUILD, Actor(1, "Other admin", is_admin=True),
                          name="Other camp")
    other = await svc.web_link(OTHER_GUILD, BOB)
    # the token with its last character changed (to another one: tokens are random)
    altered = published.token[:-1] + ("B" if published.token.endswith("A") else "A")
    bad = [(published.key, "x" * 43), (published.key, altered),
           (published.key, other.token), (other.public_key, bob), ("nokey" * 5, None),
           ("../../etc", None), (published.key, "a b"), (published.key, "é" * 43),
           (other.public_key, None)]  # the other event has published nothing
    for key, token in bad:
        with pytest.raises(NotFound) as info:
            await svc.web_timetable(key, token)
        assert info.value.user_message == GONE


async def test_nothing_shows_before_the_schedule_is_visible(published):
    svc = published.service

    await svc.update_settings(GUILD, ADMIN, schedule_visible=False)
    for token in (None, published.token):
        with pytest.raises(NotFound):
            await svc.web_timetable(published.key, token)


async def test_the_snapshot_holds_published_data_and_hosts_names_only(published):
    snap = await published.service.web_timetable(published.key)
    placed = [e for d in snap.timetable.days for ps in d.slots for e in ps.entries]
    assert sorted(e.session_id for e in placed) == sorted(published.sessions.values())
    assert set(snap.hosts.values()) <= {f"Person {i}" for i in range(6)}
    assert snap.threads == {published.sessions["t0"]: 502}
    assert snap.user_id is None and snap.items == ()


async def test_a_session_withdrawn_after_publishing_is_kept_as_cancelled(published):
    svc = published.service
    sid = published.sessions["t1"]
    await svc.withdraw_session(GUILD, Actor(101, "Person 1"), sid)
    snap = await svc.web_timetable(published.key, published.token)
    [gone] = [e for d in snap.timetable.days for ps in d.slots for e in ps.entries
              if e.session_id == sid]
    assert gone.withdrawn
    assert all(i.expected is None or i.expected.session_id != sid for i in snap.items)
