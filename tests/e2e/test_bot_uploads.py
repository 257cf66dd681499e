"""Issue 11, finding 1, through the real bot: hostile timetable attachments are answered with
a plain refusal, and members are answered meanwhile within Discord's window."""

from __future__ import annotations

import asyncio

from tests.bot.test_uploads import HOSTILE
from tests.e2e.bot_harness import answer, answered, make_bot
from tests.e2e.fake_discord import FakeDiscord, Upload
from tests.e2e.test_bot_event import setup_event, verify


async def test_hostile_timetables_are_refused_while_members_are_answered(
        fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "u.sqlite"))
    await setup_event(fake)
    await verify(fake, fake.member)
    for name in ("80 kB dotted key", "deep arrays", "deep inline tables", "UTF-16",
                 "binary junk", "huge integer"):
        raw, words = HOSTILE[name]
        data = raw if isinstance(raw, bytes) else raw.encode()
        upload = asyncio.create_task(answered(fake, "admin timetable import",
                                            {"file": Upload("t.toml", data)}, user=fake.owner))
        member = await fake.slash("sessions")
        await fake.wait_for_response(member.id)
        cb = await upload
        assert cb.ephemeral and words in cb.content, (name, cb.content)
        assert member.latency < fake.callback_deadline, (name, member.latency)
    cb = await answer(fake, "admin timetable show", user=fake.owner)
    assert "Main hall" in str(cb.embeds)  # the example timetable is still there
