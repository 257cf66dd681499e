"""The stand-in works with the real discord.py: a small bot logs in, syncs, and answers
slash commands, autocomplete, buttons and modals; what it sends is what Discord would receive."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import discord
import pytest
from discord import app_commands

from tests.e2e.fake_discord import FakeDiscord, InteractionRejected, Perm, Upload

LEVELS = [("none", 0), ("a little", 25), ("yes", 75), ("very", 100)]
SESSIONS = ["Live patching", "Lightning talks", "Linear programming", "Rust in anger"]


class InterestView(discord.ui.View):
    """Persistent: custom_ids are fixed, so presses work after a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Very", custom_id="interest:very", style=discord.ButtonStyle.primary)
    async def very(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"{interaction.user.name}: very", ephemeral=True)

    @discord.ui.button(label="Close", custom_id="interest:close")
    async def close(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Board closed", view=None)  # type 7

    @discord.ui.button(label="Remove", custom_id="interest:remove")
    async def remove(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # type 6 for a component
        await interaction.delete_original_response()  # @original is the board message


class ProposeModal(discord.ui.Modal, title="Propose a session"):
    session_title = discord.ui.TextInput(label="Title", custom_id="propose:title", max_length=80)
    description = discord.ui.TextInput(
        label="Description",
        custom_id="propose:description",
        style=discord.TextStyle.paragraph,
        required=False,
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Proposed: {self.session_title.value}", ephemeral=True
        )


class StandInBot(discord.Client):
    """A miniature of the real bot: one of each interaction kind it will use."""

    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(
            intents=intents,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.tree = app_commands.CommandTree(self)
        self.guild_obj = discord.Object(guild_id)
        self.errors: list[BaseException] = []
        self.synced: list[app_commands.AppCommand] = []
        self._add_commands()

    async def setup_hook(self) -> None:
        self.add_view(InterestView())
        self.synced = await self.tree.sync()
        self.synced += await self.tree.sync(guild=self.guild_obj)

    def _add_commands(self) -> None:
        tree, guild = self.tree, self.guild_obj

        @tree.error
        async def on_error(interaction: discord.Interaction, error: Exception) -> None:
            self.errors.append(error)

        @tree.command(description="Check the bot is alive")  # global
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

        async def session_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [
                app_commands.Choice(name=s, value=s)
                for s in SESSIONS
                if current.lower() in s.lower()
            ]

        @tree.command(description="Say how much you want a session", guild=guild)
        @app_commands.autocomplete(session=session_autocomplete)
        @app_commands.choices(level=[app_commands.Choice(name=n, value=v) for n, v in LEVELS])
        async def interest(
            interaction: discord.Interaction, session: str, level: app_commands.Choice[int]
        ) -> None:
            await interaction.response.send_message(
                f"{interaction.user.mention} set {session} to {level.name}"
            )

        @tree.command(description="Propose a session", guild=guild)
        async def propose(interaction: discord.Interaction, title: str | None = None) -> None:
            if title is None:
                await interaction.response.send_modal(ProposeModal())
            else:
                await interaction.response.send_message(f"Proposed: {title}", ephemeral=True)

        @tree.command(description="Post the interest board", guild=guild)
        async def board(interaction: discord.Interaction) -> None:
            await interaction.channel.send("Interest board", view=InterestView())
            await interaction.response.send_message("posted", ephemeral=True)

        @tree.command(description="Verify with the event code", guild=guild)
        async def verify(interaction: discord.Interaction, code: str) -> None:
            if code != "open-sesame":
                await interaction.response.send_message("Wrong code", ephemeral=True)
                return
            role = discord.utils.get(interaction.guild.roles, name="attendee")
            await interaction.user.add_roles(role, reason="verified")
            await interaction.response.send_message("Verified", ephemeral=True)

        @tree.command(name="import", description="Import a timetable file", guild=guild)
        async def import_(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(
                f"{file.filename}: {len(data)} bytes",
                ephemeral=True,
                file=discord.File(io.BytesIO(data.upper()), filename="echo.txt"),
            )

        @tree.command(description="Answers too late", guild=guild)
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.5)
            await interaction.response.send_message("late")

        admin = app_commands.Group(
            name="admin",
            description="Organiser commands",
            default_permissions=discord.Permissions(manage_guild=True),
            guild_only=True,
        )
        schedule = app_commands.Group(name="schedule", description="The timetable", parent=admin)

        @schedule.command(name="run", description="Compute a timetable")
        async def run(
            interaction: discord.Interaction, seconds: app_commands.Range[int, 1, 60] = 10
        ) -> None:
            if not interaction.permissions.manage_guild:  # re-checked server-side
                await interaction.response.send_message("Organisers only", ephemeral=True)
                return
            await interaction.response.defer(thinking=True)
            # Discord ignores the flag: the first followup takes the deferral's visibility
            progress = await interaction.followup.send(f"Solving for {seconds}s", wait=True,
                                                       ephemeral=True)
            await progress.edit(content=f"Solved in {seconds}s")
            original = await interaction.original_response()
            await interaction.followup.send(f"Preview: {original.content}", ephemeral=True)

        @tree.command(description="Defers privately, then follows up", guild=guild)
        async def private(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send("first")  # private all the same
            await interaction.followup.send("second")  # its own: public
            await interaction.followup.send("third", ephemeral=True)

        tree.add_command(admin, guild=guild)


@pytest.fixture
async def bot(fake_discord: FakeDiscord) -> AsyncIterator[StandInBot]:
    fake_discord.add_role("attendee")
    client = StandInBot(fake_discord.guild.id)
    yield await fake_discord.connect(client)  # type: ignore[misc]
    assert client.errors == []  # command errors would otherwise only be logged


async def test_login_ready_and_sync(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    (identify,) = fake.ops(2)
    assert identify.data["token"] == fake.token
    assert identify.data["intents"] & 2  # members intent asked for
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None and guild.chunked
    assert {m.name for m in guild.members} == {"owner", "member", "scheduler-bot"}
    assert guild.get_channel(fake.channel.id).name == "general"
    assert guild.me.guild_permissions.manage_roles
    assert [c["name"] for c in fake.state.commands[None]] == ["ping"]
    names = {c["name"] for c in fake.state.commands[fake.guild.id]}
    assert names == {"interest", "propose", "board", "verify", "import", "slow", "private",
                     "admin"}
    admin = next(c for c in bot.synced if c.name == "admin")
    assert admin.default_member_permissions.manage_guild


async def test_ping_is_ephemeral_and_latency_is_recorded(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    ix = await fake_discord.slash("ping")
    reply = await fake_discord.wait_for_response(ix.id)
    assert reply.type == 4 and reply.content == "pong" and reply.ephemeral
    assert ix.latency is not None and 0 <= ix.latency < fake_discord.callback_deadline
    (sent,) = fake_discord.responses(ix.id)
    assert sent.ephemeral and sent.allowed_mentions == {"parse": []}


async def test_choices_are_validated_and_mentions_stay_inert(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    with pytest.raises(InteractionRejected, match="not one of"):
        await fake.slash("interest", {"session": "Live patching", "level": 50})
    with pytest.raises(InteractionRejected, match="required"):
        await fake.slash("interest", {"level": 100})
    ix = await fake.slash("interest", {"session": "@everyone party", "level": 100})
    reply = await fake.wait_for_response(ix.id)
    assert reply.content == f"{fake.member.mention} set @everyone party to very"
    assert not reply.ephemeral
    (sent,) = fake.responses(ix.id)
    assert not sent.pings  # neither @everyone nor the user mention notifies anyone


async def test_autocomplete_returns_choices(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    ix = await fake_discord.autocomplete("interest", "session", "li")
    result = await fake_discord.wait_for_response(ix.id)
    assert result.type == 8
    assert [c["value"] for c in result.choices] == [
        "Live patching",
        "Lightning talks",
        "Linear programming",
    ]
    with pytest.raises(InteractionRejected, match="does not autocomplete"):
        await fake_discord.autocomplete("interest", "level", "v")


async def test_subcommand_group_defer_then_followups(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    ix = await fake.slash("admin schedule run", {"seconds": 30}, user=fake.owner)
    assert ix.payload["data"]["options"][0]["options"][0]["name"] == "run"
    defer = await fake.wait_for_response(ix.id)
    assert defer.type == 5 and not defer.ephemeral
    sent = await fake.wait_until(lambda: len(fake.responses(ix.id)) == 3 and fake.responses(ix.id))
    progress, edit, preview = sent
    # The first followup after a defer replaces the "thinking" message, as on Discord.
    assert progress.kind == "followup" and progress.message_id == ix.original_message_id
    assert progress.content == "Solving for 30s" and not progress.flags & 128
    assert not progress.ephemeral  # sent as ephemeral: the deferral's visibility wins
    assert edit.kind == "edit" and edit.message_id == progress.message_id
    assert preview.content == "Preview: Solved in 30s" and preview.ephemeral
    assert preview.message_id != progress.message_id
    with pytest.raises(InteractionRejected, match="outside"):
        await fake.slash("admin schedule run", {"seconds": 0}, user=fake.owner)
    with pytest.raises(InteractionRejected, match="needs a subcommand"):
        await fake.slash("admin schedule", user=fake.owner)


async def test_the_first_followup_takes_the_deferrals_visibility(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    """Discord (Create Followup Message): right after a deferral the first followup edits the
    loading message, whose ephemeral state stays; later followups have their own flags."""
    fake = fake_discord
    ix = await fake.slash("private")
    defer = await fake.wait_for_response(ix.id)
    assert defer.type == 5 and defer.ephemeral
    first, second, third = await fake.wait_until(
        lambda: len(fake.responses(ix.id)) == 3 and fake.responses(ix.id))
    assert first.message_id == ix.original_message_id and first.ephemeral
    assert not second.ephemeral and third.ephemeral
    assert first.content == "first" and not first.flags & 128  # no longer loading


async def test_an_interaction_token_lasts_15_minutes(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    """Discord: "Interaction tokens are valid for 15 minutes"; past them, a followup or an
    edit answers 401 Invalid Webhook Token (50027). `expire_token(ix, after=n)` makes that
    happen after n more requests, without waiting."""
    fake = fake_discord
    assert fake.token_lifetime == 15 * 60
    ix = await fake.slash("private")
    fake.expire_token(ix, after=1)
    await fake.wait_until(lambda: len(bot.errors) == 1, what="the second followup refused")
    (error,) = bot.errors
    bot.errors.clear()
    original = getattr(error, "original", error)
    assert isinstance(original, discord.HTTPException)
    assert (original.status, original.code) == (401, 50027)
    assert [s.content for s in fake.responses(ix.id)] == ["first"]
    assert [r.status for r in fake.requests if r.path.startswith("/webhooks/")] == [200, 401]


async def test_the_bot_joins_another_server(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    """A GUILD_CREATE after READY for a server the client did not know: discord.py calls
    on_guild_join with its channels, its system channel and the bot's role."""
    fake = fake_discord
    joined: asyncio.Future[discord.Guild] = asyncio.get_running_loop().create_future()

    async def on_guild_join(guild: discord.Guild) -> None:
        joined.set_result(guild)

    bot.on_guild_join = on_guild_join  # type: ignore[attr-defined]
    guild = fake.join_guild("Second camp", channels=("rules", "hello"), system_channel="hello",
                            bot_permissions=Perm.EVERYONE_DEFAULT)
    got = await asyncio.wait_for(joined, 5)
    assert got.id == guild.id and got.system_channel.name == "hello"
    assert [c.name for c in got.text_channels] == ["rules", "hello"]
    assert not got.me.guild_permissions.manage_roles
    fake.edit_role(fake.bot_role, permissions=Perm.EVERYONE_DEFAULT)
    await fake.wait_until(lambda: not bot.get_guild(fake.guild.id).me.guild_permissions
                          .manage_roles, what="GUILD_ROLE_UPDATE")


async def test_default_member_permissions_and_bypass(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    with pytest.raises(InteractionRejected, match="needs permissions"):
        await fake.slash("admin schedule run", user=fake.member)
    # Bypassing Discord's gate proves the bot checks again itself.
    ix = await fake.slash("admin schedule run", user=fake.member, bypass_permissions=True)
    reply = await fake.wait_for_response(ix.id)
    assert reply.content == "Organisers only" and reply.ephemeral
    # A role with Manage Server passes the gate.
    organisers = fake.add_role("organisers", permissions=Perm.MANAGE_GUILD)
    organiser = fake.add_member("organiser", roles=[organisers])
    ix = await fake.slash("admin schedule run", user=organiser)
    assert (await fake.wait_for_response(ix.id)).type == 5


async def test_modal_opened_then_submitted(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    ix = await fake.slash("propose")
    opened = await fake.wait_for_response(ix.id)
    assert opened.type == 9 and opened.data["title"] == "Propose a session"
    with pytest.raises(InteractionRejected, match="required"):
        await fake.submit_modal(ix, {"propose:description": "no title"})
    submit = await fake.submit_modal(ix, {"propose:title": "CP-SAT for fun"})
    reply = await fake.wait_for_response(submit.id)
    assert reply.content == "Proposed: CP-SAT for fun" and reply.ephemeral


async def test_persistent_button_works_after_restart(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    ix = await fake.slash("board")
    await fake.wait_for_response(ix.id)
    (board,) = [s for s in fake.sent if s.kind == "create"]
    assert board.components[0]["components"][0]["custom_id"] == "interest:very"

    press = await fake.click("interest:very")
    reply = await fake.wait_for_response(press.id)
    assert reply.content == "member: very" and reply.ephemeral

    new_bot = await fake.restart(bot, StandInBot(fake.guild.id))
    press = await fake.click("interest:very", message=board.message_id)
    reply = await fake.wait_for_response(press.id)
    assert reply.content == "member: very"
    assert len(fake.ops(2)) == 2 and new_bot.is_ready()


async def test_button_updates_and_deletes_its_message(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    for _ in range(2):
        await fake.wait_for_response((await fake.slash("board")).id)
    first, second = [s.message_id for s in fake.sent if s.kind == "create"]

    press = await fake.click("interest:close", message=first)
    assert (await fake.wait_for_response(press.id)).type == 7
    closed = fake.state.find_message(first)
    assert closed["content"] == "Board closed" and closed["components"] == []
    with pytest.raises(InteractionRejected, match="no component"):
        await fake.click("interest:very", message=first)

    press = await fake.click("interest:remove", message=second)
    assert (await fake.wait_for_response(press.id)).type == 6
    await fake.wait_until(lambda: fake.state.find_message(second) is None, what="deleted")
    assert fake.responses(press.id)[-1].kind == "delete"


async def test_global_command_in_dm(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    ix = await fake.slash("ping", user=fake.member.user)
    assert "member" not in ix.payload and ix.payload["context"] == 1
    assert (await fake.wait_for_response(ix.id)).content == "pong"
    with pytest.raises(InteractionRejected, match="not synced"):
        await fake.slash("verify", {"code": "x"}, user=fake.member.user)


async def test_verify_adds_role_and_cache_follows(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    ix = await fake.slash("verify", {"code": "wrong"})
    assert (await fake.wait_for_response(ix.id)).content == "Wrong code"
    ix = await fake.slash("verify", {"code": "open-sesame"})
    assert (await fake.wait_for_response(ix.id)).content == "Verified"
    attendee = fake.guild.role_by_name("attendee")
    assert attendee.id in fake.member.roles
    (put,) = [r for r in fake.requests if r.method == "PUT" and "/roles/" in r.path]
    assert put.path == f"/guilds/{fake.guild.id}/members/{fake.member.id}/roles/{attendee.id}"
    member = bot.get_guild(fake.guild.id).get_member(fake.member.id)
    await fake.wait_until(lambda: attendee.id in [r.id for r in member.roles], what="cache")


async def test_attachment_option_download_and_upload(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    ix = await fake.slash("import", {"file": Upload("timetable.toml", b"[[slot]]\n")})
    reply = await fake.wait_for_response(ix.id)
    assert reply.content == "timetable.toml: 9 bytes"
    assert reply.files[0].data == b"[[SLOT]]\n"
    (sent,) = fake.responses(ix.id)
    assert fake.file_bytes(sent.message["attachments"][0]) == b"[[SLOT]]\n"


async def test_late_callback_is_refused(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    fake.callback_deadline = 0.2  # the command sleeps 0.5 s
    ix = await fake.slash("slow")
    await fake.wait_until(lambda: bot.errors, what="bot error")
    assert ix.callback is None and ix.rejected_callbacks == [(4, "10062 too late")]
    error = bot.errors.pop()
    assert isinstance(error.__cause__ or error, discord.NotFound)


async def test_concurrent_presses_are_all_answered(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    await fake.wait_for_response((await fake.slash("board")).id)
    users = [fake.add_member(f"attendee{i}") for i in range(50)]
    presses = await asyncio.gather(*(fake.click("interest:very", user=u) for u in users))
    replies = await asyncio.gather(*(fake.wait_for_response(p.id) for p in presses))
    assert sorted(r.content for r in replies) == sorted(f"{u.user.username}: very" for u in users)
    assert all(p.latency is not None for p in presses)


async def test_resume_replays_missed_events(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    await fake.drop_gateway()
    # Dispatched while the client is away: replayed after its RESUME.
    ix = await fake.slash("ping")
    assert (await fake.wait_for_response(ix.id)).content == "pong"
    (resume,) = fake.ops(6)
    assert resume.path == "/resume-gateway"
    assert resume.data["session_id"] == fake.session.id


async def test_the_clients_close_frames_are_recorded(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    fake = fake_discord
    await fake.drop_gateway()  # closed by the stand-in: not the client's
    ix = await fake.slash("ping")
    await fake.wait_for_response(ix.id)
    assert fake.gateway_closes == []
    await fake.disconnect(bot)
    (code,) = await fake.wait_until(lambda: fake.gateway_closes, what="a close frame")
    assert code != 1006  # a close frame, not a dropped connection


async def test_reconnect_request_resumes(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    await fake.request_reconnect()
    await fake.wait_live()
    assert len(fake.ops(6)) == 1 and len(fake.ops(2)) == 1
    ix = await fake.slash("ping")
    assert (await fake.wait_for_response(ix.id)).content == "pong"


async def test_invalid_session_forces_identify(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    await fake.invalidate_session()
    await fake.wait_live()
    assert len(fake.ops(2)) == 2 and not fake.ops(6)
    ix = await fake.slash("ping")
    assert (await fake.wait_for_response(ix.id)).content == "pong"


async def test_guild_rest_surface(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    """The REST calls a bot makes outside interactions, through discord.py's own methods."""
    fake = fake_discord
    guild = bot.get_guild(fake.guild.id)
    channel = guild.get_channel(fake.channel.id)

    msg = await channel.send(
        "hello <@&1>",
        embed=discord.Embed(title="Day 1"),
        file=discord.File(io.BytesIO(b"x,y\n"), filename="t.csv"),
    )
    assert msg.attachments[0].filename == "t.csv" and await msg.attachments[0].read() == b"x,y\n"
    await msg.edit(content="edited")
    fetched = await channel.fetch_message(msg.id)
    assert fetched.content == "edited" and fetched.embeds[0].title == "Day 1"
    assert [m.id async for m in channel.history(limit=5)] == [msg.id]

    thread = await msg.create_thread(name="Day 1 chat")
    await thread.send("in thread")
    assert thread.id == msg.id and fake.messages_in(thread.id)[0]["content"] == "in thread"
    private = await channel.create_thread(name="orga", type=discord.ChannelType.private_thread)
    assert private.type is discord.ChannelType.private_thread

    role = await guild.create_role(name="speakers")
    hidden = {guild.default_role: discord.PermissionOverwrite(view_channel=False)}
    announcements = await guild.create_text_channel("announcements", overwrites=hidden)
    assert fake.guild.channel_by_name("announcements").permission_overwrites[0]["deny"] == "1024"
    await fake.wait_until(
        lambda: guild.get_role(role.id) and guild.get_channel(announcements.id),
        what="role and channel in cache",
    )
    member = guild.get_member(fake.member.id)
    await member.add_roles(role)
    await member.remove_roles(role)
    assert fake.member.roles == []

    dm = await member.send("your itinerary")
    assert dm.channel.type is discord.ChannelType.private
    fake.dms_closed.add(fake.member.id)
    with pytest.raises(discord.Forbidden):
        await member.send("again")

    start = discord.utils.utcnow() + timedelta(days=1)
    event = await guild.create_scheduled_event(
        name="Unconference day 1",
        start_time=start,
        end_time=start + timedelta(hours=8),
        entity_type=discord.EntityType.external,
        location="Main hall",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    event = await event.edit(name="Day 1")
    with pytest.raises(discord.HTTPException) as in_past:  # Discord refuses past start times
        await event.edit(start_time=start - timedelta(days=2))
    assert in_past.value.code == 50035
    assert [e.name for e in await guild.fetch_scheduled_events()] == ["Day 1"]
    await event.delete()
    assert fake.guild.scheduled_events == {}

    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send(embed=discord.Embed(title="x" * 300))
    assert too_long.value.code == 50035
    top = fake.add_role("above the bot", position=99)
    with pytest.raises(discord.Forbidden):
        await member.add_roles(discord.Object(top.id))

    await msg.delete()
    assert ("POST", "/guilds/{guild_id}/roles") in [(r.method, r.route) for r in fake.requests]
    kinds = [s.kind for s in fake.sent]
    assert kinds[:2] == ["create", "edit"] and kinds[-1] == "delete"


async def test_over_limit_messages_get_discords_error(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    """Discord's 400 ``50035 Invalid Form Body``, the reason under the field at fault, as
    discord.py shows it ("In embeds: ...")."""
    channel = bot.get_channel(fake_discord.channel.id)
    over: list[tuple[dict, str]] = [
        ({"content": "x" * 2001}, "In content: Must be 2000 or fewer in length."),
        ({"embeds": [discord.Embed(description="x" * 3500)] * 2},
         "In embeds: Embed size exceeds maximum size of 6000"),
        ({"embed": discord.Embed(description="x" * 4097)},
         "In embeds.0.description: Must be 4096 or fewer in length."),
        ({"embed": discord.Embed().add_field(name="n", value="v" * 1025)},
         "In embeds.0.fields.0.value: Must be 1024 or fewer in length."),
        ({"files": [discord.File(io.BytesIO(b"png"), filename="a.png", description="d" * 1025)]},
         "In attachments.0.description: Must be 1024 or fewer in length."),
    ]
    for kwargs, said in over:
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send(**kwargs)
        assert refused.value.status == 400 and refused.value.code == 50035
        assert refused.value.text == f"Invalid Form Body\n{said}"
    assert fake_discord.messages_in(fake_discord.channel) == []
    await channel.send(embeds=[discord.Embed(description="x" * 2999)] * 2)  # 5998: taken
    # ten attachments a message: an edit that keeps ten and adds one is refused
    ten = await channel.send(files=[discord.File(io.BytesIO(b"png"), filename=f"{i}.png",
                                                 description="d" * 1024) for i in range(10)])
    with pytest.raises(discord.HTTPException) as eleven:
        await ten.edit(attachments=[*ten.attachments,
                                    discord.File(io.BytesIO(b"png"), filename="10.png")])
    assert eleven.value.text == "Invalid Form Body\nIn attachments: Must be 10 or fewer in length."
    assert len(fake_discord.messages_in(fake_discord.channel)[-1]["attachments"]) == 10


async def test_rate_limits_answer_as_discord_does(
    fake_discord: FakeDiscord, bot: StandInBot
) -> None:
    """Discord's Rate Limits page: limit headers on every answer of the route; over the
    limit, 429 with the JSON body, Retry-After and the scope; discord.py (which needs the Via
    header to tell a rate limit from a Cloudflare ban) waits and retries."""
    import time

    import aiohttp

    fake = fake_discord
    route = "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}"
    fake.rate_limit(route, limit=2, per=1.0)
    role = fake.guild.role_by_name("attendee")
    url = f"{fake.api_base}/guilds/{fake.guild.id}/members/{fake.owner.id}/roles/{role.id}"
    answers = []
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
        for _ in range(3):
            async with http.put(url) as r:
                answers.append((r.status, r.headers, await r.read()))
    (ok1, h1, _), (ok2, h2, _), (refused, h3, body) = answers
    assert (ok1, ok2, refused) == (204, 204, 429)
    assert (h1["X-RateLimit-Limit"], h1["X-RateLimit-Remaining"], h2["X-RateLimit-Remaining"]
            ) == ("2", "1", "0")
    assert h1["X-RateLimit-Bucket"] == h3["X-RateLimit-Bucket"] and "Via" in h3
    data = json.loads(body)
    assert data["message"] == "You are being rate limited." and data["global"] is False
    assert 0 < data["retry_after"] <= 1 and h3["Retry-After"] == "1"
    assert h3["X-RateLimit-Scope"] == "user" and h3["X-RateLimit-Remaining"] == "0"
    assert float(h3["X-RateLimit-Reset"]) > time.time()
    assert "X-RateLimit-Scope" not in h1
    # the window is used up: discord.py gets a 429, waits retry_after and tries again
    member = bot.get_guild(fake.guild.id).get_member(fake.member.id)
    started = time.monotonic()
    await member.add_roles(discord.Object(role.id))
    assert role.id in fake.member.roles
    assert time.monotonic() - started >= data["retry_after"] - 0.1
    calls = [r.status for r in fake.requests if r.route == route.split(" ", 1)[1]]
    assert calls == [204, 204, 429, 429, 204]
    # counted per guild, the top-level resource of the path
    assert fake.rate_limits[route].windows.keys() == {str(fake.guild.id)}


async def test_unknown_routes_are_recorded(fake_discord: FakeDiscord, bot: StandInBot) -> None:
    fake = fake_discord
    with pytest.raises(discord.NotFound):
        await bot.get_guild(fake.guild.id).fetch_emojis()
    assert [(r.method, r.path) for r in fake.unknown_routes] == [
        ("GET", f"/guilds/{fake.guild.id}/emojis")
    ]
    fake.allow_unknown_routes = True  # otherwise teardown fails the test


async def test_requests_are_timed_by_their_arrival(fake_discord: FakeDiscord) -> None:
    """On one kept-alive connection each request gets its own arrival time, also after a
    request outside the API (a file download): no stamp is left over for the next one."""
    import time

    import aiohttp

    fake = fake_discord
    f = fake.state.add_file("a.txt", b"x")
    auth = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as http:
        async with http.get(fake.file_url(f)) as r:
            assert await r.read() == b"x"
        await asyncio.sleep(0.05)
        sent = time.perf_counter()
        async with http.get(f"{fake.api_base}/users/@me", headers=auth) as r:
            assert r.status == 200
        await asyncio.sleep(0.05)
        second = time.perf_counter()
        async with http.get(f"{fake.api_base}/users/@me", headers=auth) as r:
            assert r.status == 200
    first_api, second_api = fake.requests[-2:]
    assert first_api.peer == second_api.peer  # the same connection throughout
    assert sent <= first_api.at <= first_api.handled_at  # type: ignore[operator]
    assert second <= second_api.at <= second_api.handled_at  # type: ignore[operator]


async def test_the_loop_polls_its_sockets_between_two_handlers() -> None:
    """Handlers ready in the same turn take one turn each, so data that arrives while one runs
    is read (and stamped) before the next: arrivals are not held back by the stand-in's queue.
    A waiter cancelled in the queue gives its turn up."""
    import socket

    from tests.e2e.fake_discord.server import Turnstile

    turnstile, order = Turnstile(), []
    loop = asyncio.get_running_loop()
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    loop.add_reader(reader, lambda: order.append(f"read {reader.recv(16).decode()}"))

    async def handler(name: str) -> None:
        await turnstile.enter()
        try:
            order.append(name)
            writer.send(name.encode())  # "arrives" while the handler runs
        finally:
            turnstile.leave()

    try:
        gone = asyncio.ensure_future(handler("gone"))
        tasks = [asyncio.ensure_future(handler(n)) for n in ("a", "b", "c")]
        await asyncio.sleep(0)  # "gone" holds the first turn; a, b, c queue behind it
        gone.cancel()  # too late to give its turn up: it already ran
        tasks[1].cancel()  # b leaves the queue
        await asyncio.gather(gone, *tasks, return_exceptions=True)
        await asyncio.sleep(0.01)
    finally:
        loop.remove_reader(reader)
        reader.close()
        writer.close()
    assert order == ["gone", "read gone", "a", "read a", "c", "read c"]
