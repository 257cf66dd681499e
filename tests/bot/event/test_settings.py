import dataclasses

import pytest

from bot.event import EventError, Forbidden
from tests.bot.conftest import ADMIN, ALICE, GUILD
from tests.bot.helpers import dump


async def test_setup_is_idempotent_and_settings_round_trip(event):
    again = await event.setup_event(GUILD, ADMIN, name="Ignored", timezone="UTC")
    assert (again.name, again.timezone) == ("Test camp", "Europe/Brussels")
    s = await event.update_settings(
        GUILD, ADMIN, name="  Camp   2026 ", timezone="America/New_York",
        proposals_open=False, interest_open=False, schedule_visible=True,
        verification_required=False, announcements_channel_id=111, moderation_channel_id=222,
        proposals_channel_id=333, verified_role_id=444, organiser_role_id=555)
    assert (s.name, s.timezone) == ("Camp 2026", "America/New_York")
    assert (s.proposals_open, s.interest_open, s.schedule_visible,
            s.verification_required) == (False, False, True, False)
    assert (s.announcements_channel_id, s.moderation_channel_id, s.proposals_channel_id,
            s.verified_role_id, s.organiser_role_id) == (111, 222, 333, 444, 555)
    s = await event.update_settings(GUILD, ADMIN, announcements_channel_id=None)
    assert s.announcements_channel_id is None and s.moderation_channel_id == 222
    assert s.verification_code
    assert await event.settings(GUILD, ALICE) == dataclasses.replace(s, verification_code=None)


@pytest.mark.parametrize("change", [
    {"proposals_open": "yes"}, {"schedule_visible": 1}, {"announcements_channel_id": -5},
    {"verified_role_id": "123"}, {"timezone": "Europe/Nowhere"}, {"name": ""},
])
async def test_bad_settings_are_refused(event, change):
    before = await dump(event)
    with pytest.raises(EventError):  # InvalidInput, or NotFound for an impossible id
        await event.update_settings(GUILD, ADMIN, **change)
    assert await dump(event) == before


async def test_only_admins_change_settings(event):
    with pytest.raises(Forbidden):
        await event.update_settings(GUILD, ALICE, proposals_open=False)
