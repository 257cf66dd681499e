"""A busy server: Discord making role changes wait (its rate limit) while twenty people verify
at once. Every interaction is still answered within Discord's 3 seconds, as the stand-in
measures it, and everything asked for is done in the end."""

from __future__ import annotations

import asyncio

from tests.e2e.bot_harness import CODE, make_bot
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_bot_event import setup_event

ROLE_CHANGE = "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}"


async def test_twenty_verify_at_once_while_role_changes_are_rate_limited(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """Discord does not publish the role-change limit: the stand-in sets one (two a second)
    to see what a limit does. The answers come first, the roles as Discord allows, and each
    answer is then edited to say the role was given."""
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "busy.sqlite"))
    await setup_event(fake)
    attendee = fake.guild.role_by_name("Attendee")
    fake.rate_limit(ROLE_CHANGE, limit=2, per=1.0)
    members = [fake.add_member(f"m{i}") for i in range(20)]
    verifies = await asyncio.gather(*(fake.slash("verify", {"code": CODE}, user=m)
                                      for m in members))
    await fake.wait_until(lambda: all(ix.callback or ix.rejected_callbacks for ix in verifies),
                          timeout=30, what="every answer")
    late = [ix.rejected_callbacks for ix in verifies if ix.rejected_callbacks]
    assert not late, late
    for ix in verifies:
        assert ix.latency < fake.callback_deadline and ix.callback.type == 4
        assert ix.callback.ephemeral
        assert ix.callback.content == "You are verified! Giving you the Attendee role…"
    await fake.wait_until(lambda: all(attendee.id in m.roles for m in members), timeout=30,
                          what="every role given")
    await fake.wait_until(lambda: all(
        fake.responses(ix.id)[-1].content == "You are verified! You now have the Attendee role."
        for ix in verifies), what="every answer updated")
    assert all(s.ephemeral for ix in verifies for s in fake.responses(ix.id))
    roles = [r for r in fake.requests if f"{r.method} {r.route}" == ROLE_CHANGE]
    assert roles[-1].at - roles[0].at >= 8  # the limit did hold the role changes back
