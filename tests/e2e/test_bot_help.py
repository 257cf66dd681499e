"""Help and onboarding through the stand-in: /help's attendee and organiser views, the setup
checks (a missing permission, a role the bot cannot give), and the welcome when the bot joins
a server (in its system channel, else its first writable channel, else to its owner by DM)."""

from __future__ import annotations

from bot.discord.help import ORGANISER_ONLY
from tests.e2e.bot_harness import answer, answered, make_bot
from tests.e2e.fake_discord import FakeDiscord, Perm
from tests.e2e.test_bot_event import assert_no_pings, setup_event


def _text(cb) -> str:
    return "\n".join(f"{e.get('title')}\n{e.get('description')}" for e in cb.embeds)


async def test_help_has_an_attendee_view_and_an_organiser_view(fake_discord: FakeDiscord,
                                                               tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "h.sqlite"))
    cb = await answer(fake, "help")  # no event yet
    assert cb.ephemeral and "This server has no event yet" in _text(cb)

    proposals, announcements = await setup_event(fake)
    cb = await answer(fake, "help")
    text = _text(cb)
    assert cb.ephemeral and cb.embeds[0]["title"] == "Taking part in Camp"
    assert "/verify with the code" in text and f"<#{proposals.id}>" in text
    assert f"<#{announcements.id}>" in text
    assert "**/propose**: " in text and "**/myschedule**: " in text
    assert "/admin" not in text  # an attendee reads nothing of the organisers' commands
    cb = await answer(fake, "help", {"view": "organiser"})
    assert cb.ephemeral and cb.content == ORGANISER_ONLY

    cb = await answer(fake, "help", user=fake.owner)  # Manage Server: the organiser view
    text = _text(cb)
    assert cb.embeds[0]["title"] == "Running the event: first steps"
    assert "**/admin schedule preview**: " in text and "**/admin setup**: " in text
    assert cb.embeds[-1]["title"] == "Setup checks: all good", text
    cb = await answer(fake, "help", {"view": "attendee"}, user=fake.owner)
    assert cb.embeds[0]["title"] == "Taking part in Camp"
    assert_no_pings(fake)


async def test_setup_checks_say_what_is_missing(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "c.sqlite"))
    proposals, announcements = await setup_event(fake)
    reply = await answered(fake, "admin setup", user=fake.owner)
    assert reply.embeds[0]["title"] == "Setup checks: all good"

    # the bot loses two permissions (Attach Files also from @everyone, who grants it by
    # default); an attendee role above the bot's is chosen
    fake.edit_role(fake.bot_role, permissions=Perm.BOT_DEFAULT & ~Perm.MANAGE_EVENTS
                   & ~Perm.ATTACH_FILES)
    fake.edit_role(fake.guild.everyone, permissions=Perm.EVERYONE_DEFAULT & ~Perm.ATTACH_FILES)
    vip = fake.add_role("VIP", position=fake.bot_role.position + 1)
    await fake.wait_until(lambda: (g := bot.get_guild(fake.guild.id)).get_role(vip.id) and not
                          g.me.guild_permissions.attach_files, what="the role changes")
    reply = await answered(fake, "admin setup", {"attendee_role": vip}, user=fake.owner)
    checks = reply.embeds[0]
    assert checks["title"] == "Setup checks: 3 to fix"
    lines = checks["description"].split("\n")
    assert lines[0].startswith("❌ I lack **Manage Events**")
    assert lines[1] == ("❌ The attendee role VIP is not below my highest role scheduler-bot, so "
                        "I cannot give it: in Server Settings → Roles, drag my role above it.")
    assert lines[2].startswith(f"❌ In the announcements channel <#{announcements.id}> I lack "
                               "**Attach Files**")
    assert f"✅ The proposals channel <#{proposals.id}> is ready." in lines
    cb = await answer(fake, "help", user=fake.owner)
    assert cb.embeds[-1]["title"] == "Setup checks: 3 to fix"


async def test_a_welcome_when_the_bot_joins_a_server(fake_discord: FakeDiscord,
                                                     tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "w.sqlite"))
    guild = fake.join_guild("Second camp", channels=("rules", "hello"), system_channel="hello")
    hello = guild.channel_by_name("hello")
    (posted,) = await fake.wait_until(lambda: fake.messages_in(hello), what="the welcome")
    text = posted["content"]
    assert "**First steps**" in text and "/admin setup" in text and "/help" in text
    assert "❌ No event yet: create it with /admin setup" in text
    assert "✅ I have Manage Roles" in text
    assert fake.messages_in(guild.channel_by_name("rules")) == []

    # no system channel: the first channel it may write in
    third = fake.join_guild("Third camp", channels=("news", "chat"))
    await fake.wait_until(lambda: fake.messages_in(third.channel_by_name("news")),
                          what="the welcome in the first channel")

    # nowhere to write: the owner hears by DM, with what is missing
    mute = fake.join_guild("Quiet camp", bot_permissions=0,
                           everyone_permissions=Perm.VIEW_CHANNEL)
    owner = fake.state.users[mute.owner_id]
    dm = await fake.wait_until(lambda: fake.messages_in(fake.state.dm_channel(owner)),
                               what="the welcome by DM")
    assert "❌ I lack **Manage Roles**" in dm[0]["content"]
    assert fake.messages_in(mute.channel_by_name("general")) == []
    assert_no_pings(fake)
