"""The organiser's private preview: `/admin schedule run` and `/admin schedule preview` show a
version's figures, its picture and its timetable to the organiser alone (another member sees
nothing in any channel), and a run that outlasts the interaction's 15 minutes tells the
organiser by DM where to see it."""

from __future__ import annotations

from bot.discord.checks import ADMIN_REFUSAL
from tests.e2e.bot_harness import answer, make_bot, preview_of, publish, reply_of, run_schedule
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.personal_harness import dms
from tests.e2e.test_bot_event import assert_no_pings, setup_event

TITLES = ("Live patching", "CP-SAT for fun", "Rust in anger")


async def _event(fake: FakeDiscord, tmp_path) -> tuple:
    bot = await fake.connect(await make_bot(fake, tmp_path / "p.sqlite"))
    proposals, announcements = await setup_event(fake)
    for title in TITLES:
        cb = await answer(fake, "propose", {"title": title, "description": "talk"},
                          user=fake.owner)
        assert "is public" in cb.content, cb.content
    await fake.wait_until(lambda: len(fake.messages_in(proposals)) == len(TITLES)
                          and len([c for c in fake.guild.channels.values() if c.is_thread])
                          == len(TITLES), what="the posts and their threads")
    return bot, proposals, announcements


def _public(fake: FakeDiscord) -> list[dict]:
    """Every message in the server a member other than the organiser could read."""
    return [m for c in fake.guild.channels.values() for m in fake.messages_in(c)
            if not m["flags"] & 64]


async def test_run_and_preview_show_the_timetable_to_the_organiser_alone(
        fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    _, proposals, _ = await _event(fake, tmp_path)
    before = _public(fake)  # the proposals' posts

    figures = await run_schedule(fake)
    ix = figures.interaction_id
    sent = fake.responses(ix)
    assert all(s.ephemeral for s in sent)
    assert _public(fake) == before  # nothing new anyone else can see
    version = int(figures.embeds[0]["title"].split("#")[1].split(" ")[0])
    assert figures.content.startswith("Done in")
    # the picture, drawn by the publish step's renderer
    (picture,) = [s for s in sent if s.message.get("attachments")]
    assert picture.content == (f"Version #{version} as pictures, one a day "
                               f"(not published: only you see it).")
    assert [a["filename"] for a in picture.message["attachments"]] == [
        "timetable-2026-07-06.png", "timetable-2026-07-07.png"]
    # the timetable, as /schedule and the announcements would show it: every title, both days
    days = [e for s in sent for e in s.embeds if e.get("title") in ("Monday", "Tuesday")]
    assert [e["title"] for e in days] == ["Monday", "Tuesday"]
    shown = str(days)
    assert all(t in shown for t in TITLES)
    assert sent[-1].content == (f"End of the preview of version #{version}: publish it with "
                                f"/admin schedule publish version:{version}.")

    # /admin schedule preview: any version again, privately; the latest by default
    ix = await fake.slash("admin schedule preview", user=fake.owner)
    assert (await fake.wait_for_response(ix.id)).ephemeral
    again = await preview_of(fake, ix)
    assert again.embeds[0]["title"] == figures.embeds[0]["title"]
    assert again.content.startswith(f"Version #{version}, computed <t:")
    assert _public(fake) == before

    # a version that does not exist, and someone who is not an organiser
    ix = await fake.slash("admin schedule preview", {"version": version + 5}, user=fake.owner)
    reply = await reply_of(fake, ix, "refusal")
    assert reply.content == "There is no such schedule version." and reply.ephemeral
    cb = await answer(fake, "admin schedule preview", user=fake.member, bypass_permissions=True)
    assert cb.ephemeral and cb.content == ADMIN_REFUSAL
    assert _public(fake) == before

    # once published, the preview of that version says so
    await publish(fake)
    ix = await fake.slash("admin schedule preview", {"version": version}, user=fake.owner)
    await preview_of(fake, ix)
    assert fake.responses(ix.id)[-1].content == f"End of version #{version}, the published one."
    assert_no_pings(fake)


async def test_a_run_that_outlasts_the_token_tells_the_organiser_by_dm(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """Discord lets a command be answered for 15 minutes: the stand-in's token of this run
    expires right after its first followup, so neither the progress nor the preview can
    be shown; the organiser gets a DM naming the version, and the preview command shows it."""
    fake = fake_discord
    await _event(fake, tmp_path)
    ix = await fake.slash("admin schedule run", {"seconds": 1}, user=fake.owner)
    fake.expire_token(ix, after=1)  # the "Scheduling for up to 1s…" message
    told = await fake.wait_until(lambda: dms(fake, fake.owner), timeout=60, what="the DM")
    assert "version #1 is computed" in told[0]
    assert "/admin schedule preview version:1" in told[0]
    refused = [r for r in fake.requests if r.status == 401]
    assert refused and all(r.path.startswith("/webhooks/") for r in refused)
    assert [s.content for s in fake.responses(ix.id)] == ["Scheduling for up to 1s…"]

    ix = await fake.slash("admin schedule preview", {"version": 1}, user=fake.owner)
    figures = await preview_of(fake, ix)
    assert figures.embeds[0]["title"].startswith("Schedule version #1 ")
