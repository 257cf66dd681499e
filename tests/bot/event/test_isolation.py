"""A guild never reads or changes another guild's event."""

import pytest

from bot.event import Actor, Conflict, NotFound
from tests.bot.conftest import ADMIN, ALICE, CODE, EXAMPLE_TOML, GUILD, OTHER_GUILD, verified
from tests.bot.helpers import rows


async def test_two_guilds_live_side_by_side(event):
    await event.setup_event(OTHER_GUILD, ADMIN, name="Other camp", timezone="UTC")
    await event.import_timetable_toml(OTHER_GUILD, ADMIN, EXAMPLE_TOML.read_text())
    await verified(event, ALICE, GUILD)
    await verified(event, ALICE, OTHER_GUILD)
    here = await event.propose(GUILD, ALICE, "Same title", "here")
    there = await event.propose(OTHER_GUILD, ALICE, "Same title", "there")  # no clash
    assert here.id != there.id
    assert [s.description for s in await event.list_sessions(GUILD, ALICE)] == ["here"]
    assert [s.description for s in await event.list_sessions(OTHER_GUILD, ALICE)] == ["there"]
    with pytest.raises(Conflict):
        await event.propose(GUILD, ALICE, "same TITLE", "dup here")

    # ids of the other guild behave as unknown ids, for reads and writes
    with pytest.raises(NotFound):
        await event.get_session(GUILD, ALICE, there.id)
    with pytest.raises(NotFound):
        await event.set_interest(GUILD, ALICE, there.id, 100)
    with pytest.raises(NotFound):
        await event.withdraw_session(GUILD, ADMIN, there.id)
    assert (await event.get_session(OTHER_GUILD, ALICE, there.id)).status == "public"

    # settings and verification are per guild
    await event.update_settings(OTHER_GUILD, ADMIN, proposals_open=False)
    assert (await event.settings(GUILD, ADMIN)).proposals_open
    await event.rotate_code(OTHER_GUILD, ADMIN)
    bob = Actor(12, "Bob")
    await event.verify(GUILD, bob, CODE)
    who = await rows(event.db, "SELECT guild_id, verified FROM attendees WHERE user_id = 12 "
                     "ORDER BY guild_id")
    assert [(r["guild_id"], bool(r["verified"])) for r in who] == [(GUILD, True)]

    # exports hold only their own guild
    here_doc = await event.export_event_json(GUILD, ADMIN)
    assert "there" not in here_doc and "Other camp" not in here_doc

    # replacing one guild's event leaves the other alone
    await event.import_event_json(OTHER_GUILD, ADMIN, here_doc)
    assert [s.description for s in await event.list_sessions(GUILD, ALICE)] == ["here"]
    assert [s.description for s in await event.list_sessions(OTHER_GUILD, ALICE)] == ["here"]
