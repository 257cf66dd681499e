"""Permission matrix: every /admin command is refused to a member without Manage Server, even
when Discord's default_member_permissions gate is bypassed; interest needs the attendee role
while verification is required, and a proposal from a member without it waits for approval."""

from __future__ import annotations

from typing import Any

import pytest

from bot.discord.checks import ADMIN_REFUSAL, ROLE_REFUSAL
from tests.e2e.bot_harness import (
    CODE,
    actor,
    answer,
    make_bot,
    publish,
    reply_of,
    run_schedule,
    session_id,
    wait_for_post,
)
from tests.e2e.fake_discord import FakeDiscord, InteractionRejected, Perm, Upload
from tests.e2e.test_bot_event import setup_event, verify


def admin_leaves(fake: FakeDiscord) -> list[tuple[str, list[dict[str, Any]]]]:
    (admin,) = [c for c in fake.state.commands[fake.guild.id] if c["name"] == "admin"]
    out = []
    for opt in admin["options"]:
        if opt["type"] == 1:
            out.append((f"admin {opt['name']}", opt.get("options", [])))
        elif opt["type"] == 2:
            for sub in opt["options"]:
                out.append((f"admin {opt['name']} {sub['name']}", sub.get("options", [])))
    return out


def required_values(fake: FakeDiscord, options: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for o in options:
        if not o.get("required"):
            continue
        values[o["name"]] = {
            3: "2026-07-06" if o["name"] == "date" else "09:00" if o["name"] in
            ("start", "end") else "1234abcd",
            4: max(1, o.get("min_value", 1)), 5: True, 7: fake.channel,
            8: fake.bot_role, 11: Upload("t.toml", b"")}[o["type"]]
    return values


@pytest.fixture
async def event(fake_discord: FakeDiscord, tmp_path):
    bot = await fake_discord.connect(await make_bot(fake_discord, tmp_path / "p.sqlite"))
    await setup_event(fake_discord)
    return bot


async def test_every_admin_command_is_refused_to_members(fake_discord: FakeDiscord,
                                                         event) -> None:
    fake = fake_discord
    leaves = admin_leaves(fake)
    assert len(leaves) >= 20
    names = {n for n, _ in leaves}
    assert {"admin setup", "admin schedule run", "admin schedule publish", "admin export",
            "admin backup", "admin code show", "admin timetable import", "admin slot lock",
            "admin proposal approve"} <= names
    (admin,) = [c for c in fake.state.commands[fake.guild.id] if c["name"] == "admin"]
    assert int(admin["default_member_permissions"]) == Perm.MANAGE_GUILD
    # every command, admin or not, is offered in the event's server only
    assert all(c["contexts"] == [0] and c["dm_permission"] is False
               for c in fake.state.commands[fake.guild.id])
    with pytest.raises(InteractionRejected, match="needs permissions"):
        await fake.slash("admin code show", user=fake.member)
    before = len(fake.sent)
    for name, options in leaves:
        cb = await answer(fake, name, required_values(fake, options), user=fake.member,
                          bypass_permissions=True)
        assert cb.type == 4 and cb.ephemeral and cb.content == ADMIN_REFUSAL, name
    # nothing but the refusals reached Discord
    assert all(s.ephemeral for s in fake.sent[before:])
    assert not [r for r in fake.requests[-len(leaves):] if "/channels/" in r.path]


async def test_organiser_role_and_manage_guild_pass(fake_discord: FakeDiscord, event) -> None:
    fake = fake_discord
    organisers = fake.add_role("organisers", permissions=Perm.MANAGE_GUILD)
    organiser = fake.add_member("organiser", roles=[organisers])
    cb = await answer(fake, "admin code show", user=organiser)
    assert cb.ephemeral and "The code is" in cb.content
    # an organiser role without Manage Server, configured at setup, passes too
    helpers = fake.add_role("helpers")
    helper = fake.add_member("helper", roles=[helpers])
    cb = await answer(fake, "admin setup", {"organiser_role": helpers}, user=fake.owner)
    cb = await answer(fake, "admin code show", user=helper, bypass_permissions=True)
    assert cb.ephemeral and "The code is" in cb.content


async def test_attendee_actions_need_the_role(fake_discord: FakeDiscord, event) -> None:
    fake = fake_discord
    cb = await answer(fake, "propose", {"title": "Mine", "description": "d"}, user=fake.owner)
    sid = session_id(cb.content)
    cb = await answer(fake, "interest", {"session": str(sid), "level": 100})
    assert cb.type == 4 and cb.ephemeral and cb.content == ROLE_REFUSAL
    await wait_for_post(fake, sid)
    press = await fake.click(f"interest:{sid}:100")
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and cb.content == ROLE_REFUSAL
    # once verified, the same actions work
    await verify(fake, fake.member)
    press = await fake.click(f"interest:{sid}:100")
    assert "**very**" in (await fake.wait_for_response(press.id)).content
    # verification off: no role needed
    cb = await answer(fake, "admin code required", {"on": False}, user=fake.owner)
    newcomer = fake.add_member("newcomer")
    cb = await answer(fake, "interest", {"session": str(sid), "level": 25}, user=newcomer)
    assert "**a little**" in cb.content


async def test_members_who_have_not_verified_propose_for_approval(fake_discord: FakeDiscord,
                                                                  event) -> None:
    """docs/bot.md: an organiser approves the proposals of attendees who have not verified.
    By command or by the form, the proposal is taken and waits, the proposer is told why in
    plain words, and an organiser's approval posts it; interest still needs the role."""
    fake = fake_discord
    proposals = fake.guild.channel_by_name("proposals")
    cb = await answer(fake, "propose", {"title": "Newcomer's idea", "description": "d"})
    assert cb.type == 4 and cb.ephemeral and cb.content == (
        f"Proposed **Newcomer's idea** (#{session_id(cb.content)}). You have not entered the "
        "event's code yet, so it waits for an organiser's approval; it appears in "
        f"<#{proposals.id}> once approved. After /verify code:<code> your proposals are public "
        "at once.")
    sid = session_id(cb.content)
    ix = await fake.slash("propose")  # the form opens for them too
    assert (await fake.wait_for_response(ix.id)).type == 9
    sub = await fake.submit_modal(ix, {"propose:title": "By the form",
                                       "propose:description": "d"})
    assert "waits for an organiser's approval" in (await fake.wait_for_response(sub.id)).content
    assert fake.messages_in(proposals) == []
    cb = await answer(fake, "interest", {"session": str(sid), "level": 100})
    assert cb.content == ROLE_REFUSAL
    cb = await answer(fake, "admin proposal approve", {"session": str(sid)}, user=fake.owner)
    assert cb.ephemeral and "Approved **Newcomer's idea**" in cb.content
    await wait_for_post(fake, sid)


async def test_a_role_the_bot_cannot_give_is_said_in_the_answer(fake_discord: FakeDiscord,
                                                                 event) -> None:
    """/verify answers first, then gives the role: when Discord refuses the role (above the
    bot's own), the answer is edited to say so and what an organiser should check."""
    fake = fake_discord
    high = fake.add_role("Badge holders", position=99)
    await answer(fake, "admin setup", {"attendee_role": high}, user=fake.owner)
    ix = await fake.slash("verify", {"code": CODE}, user=fake.member)
    assert (await fake.wait_for_response(ix.id)).content == (
        "You are verified! Giving you the Badge holders role…")
    final = await fake.wait_until(lambda: (r := fake.responses(ix.id)[-1]).kind ==
                                  "edit_original" and r, what="the answer edited")
    assert final.ephemeral and final.content == (
        "You are verified! I could not give you the Badge holders role: an organiser should "
        "check that my role is above it.")
    assert high.id not in fake.member.roles


async def test_setup_without_manage_roles_says_what_to_do(fake_discord: FakeDiscord,
                                                          tmp_path) -> None:
    fake = fake_discord
    fake.bot_role.permissions &= ~Perm.MANAGE_ROLES
    await fake.connect(await make_bot(fake, tmp_path / "nr.sqlite"))
    ix = await fake.slash("admin setup", user=fake.owner)
    reply = await reply_of(fake, ix)
    assert reply.ephemeral and "Manage Roles" in reply.content
    # choosing an existing role works without it
    role = fake.add_role("Badge holders")
    cb = await answer(fake, "admin setup", {"attendee_role": role}, user=fake.owner)
    assert cb.ephemeral and f"<@&{role.id}>" in cb.content
    assert not [s for s in fake.sent if s.pings]


async def test_the_bot_never_posts_into_another_server(fake_discord: FakeDiscord,
                                                       tmp_path) -> None:
    """A channel id of another server (where the bot also is) stored as this event's
    announcements channel, as a bad import or a bug could leave it: publishing posts nothing
    there, and says there is no announcements channel."""
    fake = fake_discord
    elsewhere = fake.state.add_guild("Elsewhere", fake.owner.user)
    fake.state.add_member(elsewhere, fake.bot_user)
    theirs = fake.state.add_channel(elsewhere, "their-news")
    bot = await fake.connect(await make_bot(fake, tmp_path / "p.sqlite"))
    await setup_event(fake)
    await answer(fake, "propose", {"title": "A talk", "description": "d"}, user=fake.owner)
    await bot.service.update_settings(fake.guild.id, actor(fake.owner, admin=True),
                                      announcements_channel_id=theirs.id)
    bot.forget_settings(fake.guild.id)
    await run_schedule(fake)
    done = await publish(fake)
    assert "No announcements channel" in done.content
    assert fake.messages_in(theirs) == []
