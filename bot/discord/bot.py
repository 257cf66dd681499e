"""The bot object: the same one `session-scheduler run` starts and the end-to-end tests drive.

It holds what the feature modules share (the rules, the stores, the timed jobs, the publish
steps), created once here; commands reach it as `interaction.client`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.config import TOKEN_HELP, Settings
from bot.discord import errors, help, reminders
from bot.discord.announcements import AnnouncementsChannel
from bot.discord.commands import COMMANDS
from bot.discord.gateway import GatewayReports
from bot.discord.interest import InterestButton
from bot.discord.languages import CatalogTranslator
from bot.discord.mirror import EventMirror
from bot.discord.notices import ChangeNotices
from bot.discord.picture import TimetablePictures
from bot.discord.publishing import Publisher
from bot.discord.run_replies import RunReplies
from bot.discord.threads import SessionThreads
from bot.discord.web import WebPages
from bot.event import EventService
from bot.event.models import SYSTEM, EventSettings
from bot.jobs.announcements import Announcer
from bot.jobs.reminders import Reminders
from bot.shards import Process, enter_guild
from bot.storage import DatabaseUnavailable
from bot.storage.mirror import MirrorStore
from bot.storage.personal import PersonalStore
from bot.storage.posting import PostingStore

log = logging.getLogger(__name__)
SETTINGS_TTL = 30.0  # seconds; a safety net, admin commands clear the cache at once


#: What the gateway sends the bot: its servers with their channels, roles and threads. Nothing
#: else is read (no messages, members, typing, reactions...): interactions come regardless, and
#: every event not asked for is one Discord does not send and the bot does not parse.
INTENTS = discord.Intents(guilds=True)


class SchedulerTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Lets every command through; the log records of its task say its guild's shard."""
        enter_guild(interaction.guild_id)
        return True


class SchedulerBot(discord.AutoShardedClient):
    """Slash commands only. `service` is open; closing the bot closes it. No message cache:
    the bot edits its own posts by id and never reads messages.

    It runs the shards of `settings.shard_plan` (discord.py's sharded client: one gateway
    session per shard) and does the timed work of the guilds they hold, which Discord deals
    to this process alone."""

    def __init__(self, settings: Settings, service: EventService, *,
                 clock: Callable[[], float] = time.time, process: Process | None = None,
                 **client_options: Any):
        client_options.setdefault("intents", INTENTS)
        client_options.setdefault("max_messages", None)
        self.shard_plan = settings.shard_plan
        #: this process as the database knows it: its shard locks, claims and sessions
        self.process = process or Process.this()
        super().__init__(allowed_mentions=discord.AllowedMentions.none(),
                         shard_count=self.shard_plan.count,
                         shard_ids=list(self.shard_plan.ids), **client_options)
        self.settings = settings
        self.service = service
        self.clock = clock
        self.tree = SchedulerTree(self)
        for command in COMMANDS:
            self.tree.add_command(command)
        self.tree.error(self._on_app_command_error)
        self.synced: list[app_commands.AppCommand] = []
        self._settings_cache: dict[int, tuple[float, EventSettings]] = {}
        self.posting = PostingStore(service.db)
        self.personal = PersonalStore(service.db)  # reminders, notices, closed DMs
        mirrored = MirrorStore(service.db)
        self.threads = SessionThreads(mirrored)
        self.mirror = EventMirror(self, mirrored)
        self.announcements = AnnouncementsChannel(self)
        self.announcer = Announcer(
            service, self.posting, self.announcements.announce,
            lead_minutes=settings.announce_minutes_before,
            agenda_time=settings.daily_agenda_time,
            catch_up_minutes=settings.announce_catch_up_minutes, clock=clock,
            holder=self.process.name)
        self.reminders = Reminders(service, self.personal,
                                   functools.partial(reminders.send_reminder, self), clock=clock,
                                   holder=self.process.name)
        self.pictures = TimetablePictures(self)
        self.notices = ChangeNotices(self)
        self.publisher = Publisher(self)
        self.web = WebPages(self)  # the web pages, when config.toml enables them
        self.gateway = GatewayReports(self)  # each shard's session, for status
        self.run_replies = RunReplies(self)  # runs' messages, finished after a restart
        self._timed_jobs: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        self.add_dynamic_items(InterestButton)
        await self.tree.set_translator(CatalogTranslator())  # the commands in each language
        guilds = [discord.Object(gid) for gid in self.settings.guild_ids]
        for guild in guilds:
            self.tree.copy_global_to(guild=guild)
        if 0 in self.shard_plan.ids:
            await self._sync_commands(guilds)
        await self.web.start()
        self.gateway.start()
        # channels are known once the gateway is ready; missed announcements go out then
        self._timed_jobs = asyncio.create_task(self._start_timed_jobs())

    async def _sync_commands(self, guilds: list[discord.Object]) -> None:
        """Register the slash commands with Discord. Only the process running shard 0 does:
        commands belong to the application, not to a shard, so one sync serves every process,
        and processes syncing at once would race on the rate limit of Discord's commands
        routes."""
        if not guilds:
            self.synced = await self.tree.sync()
        for guild in guilds:
            self.synced += await self.tree.sync(guild=guild)

    def owns(self, guild_id: int) -> bool:
        """Whether the guild's shard runs here: its interactions come here, and its timed work
        (announcements, reminders) is done here and nowhere else."""
        return self.shard_plan.owns(guild_id)

    async def _start_timed_jobs(self) -> None:
        await self.wait_until_ready()
        try:
            guilds = [g for g in await self.posting.published_guilds() if self.owns(g)]
        except Exception:
            log.exception("could not read which events have a published timetable")
            guilds = []
        try:
            await self.announcer.start(guilds)
        except Exception:
            log.exception("the announcer could not start")
        try:
            await self.reminders.start(guilds)
        except Exception:
            log.exception("the reminders could not start")
        try:
            await self.run_replies.resume()
        except Exception:
            log.exception("could not read the runs whose message is unfinished")

    async def close(self) -> None:
        if self._timed_jobs is not None:
            self._timed_jobs.cancel()
        self.announcer.stop()
        self.reminders.stop()
        self.run_replies.stop()
        await self.web.stop()
        first = not self.is_closed()
        if first:
            await self.gateway.stop()
        await super().close()
        if first:
            await self.service.close()
            log.info("closed the gateway session and the database")

    async def on_shard_connect(self, shard_id: int) -> None:
        await self.gateway.changed(shard_id, "connected")

    async def on_shard_ready(self, shard_id: int) -> None:
        await self.gateway.changed(shard_id, "ready")

    async def on_shard_resumed(self, shard_id: int) -> None:
        await self.gateway.changed(shard_id, "resumed")

    async def on_shard_disconnect(self, shard_id: int) -> None:
        await self.gateway.changed(shard_id, "disconnected")

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added to a server: a welcome with the first steps and what is still missing."""
        try:
            await help.welcome(self, guild)
        except Exception:
            log.exception("could not welcome server %s", guild.id)

    # ------------------------------------------------------------------ settings for gates

    async def gate_settings(self, guild_id: int) -> EventSettings:
        """The event's settings (without the code) for the per-press gates, cached briefly:
        every /admin command clears the guild's entry when it completes."""
        hit = self._settings_cache.get(guild_id)
        now = time.monotonic()
        if hit is not None and now - hit[0] < SETTINGS_TTL:
            return hit[1]
        settings = await self.service.settings(guild_id, SYSTEM)
        self._settings_cache[guild_id] = (now, settings)
        return settings

    def forget_settings(self, guild_id: int | None) -> None:
        if guild_id is not None:
            self._settings_cache.pop(guild_id, None)

    async def on_app_command_completion(self, interaction: discord.Interaction[SchedulerBot],
                                        command: Any) -> None:
        self._admin_command_ended(interaction, command)

    async def _on_app_command_error(self, interaction: discord.Interaction[SchedulerBot],
                                    error: app_commands.AppCommandError) -> None:
        self._admin_command_ended(interaction, interaction.command)
        await errors.handle_error(interaction, error)

    def _admin_command_ended(self, interaction: discord.Interaction[SchedulerBot],
                             command: Any) -> None:
        """An admin command may have changed the settings, also one that failed after
        writing: the gates read them afresh."""
        if command is not None and command.qualified_name.startswith("admin"):
            self.forget_settings(interaction.guild_id)

    def text_channel(self, guild_id: int, channel_id: int | None
                     ) -> discord.abc.Messageable | None:
        """A channel of the event's own server to post in; None for any other, so that an id
        stored or imported wrongly can never make the bot post into another server."""
        guild = self.get_guild(guild_id)
        channel = guild.get_channel_or_thread(channel_id) if guild and channel_id else None
        return channel if isinstance(channel, discord.abc.Messageable) else None


#: Gateway close codes that refuse the shards the bot asked for, and what to do.
SHARDS_REFUSED = {
    4010: "Discord refused the shards (4010 Invalid shard): a bot Discord moved to large bot "
          "sharding must run a multiple of the shard number it was given; set shard_count "
          "to that.",
    4011: "Discord requires more shards (4011 Sharding required): a shard holds at most 2500 "
          "servers; raise shard_count.",
}


class CannotConnect(RuntimeError):
    """Discord refused the token or could not be reached: said plainly, no traceback."""

    def __init__(self, message: str, token_refused: bool):
        super().__init__(message)
        self.token_refused = token_refused


def run_bot(settings: Settings, process: Process | None = None) -> None:
    """Run the bot `session-scheduler run` starts until it stops (the token is never logged).
    SIGTERM, which systemd and container runtimes send to stop a service, closes the gateway
    session of every shard and the database as a clean stop, and the process exits 0."""
    token = settings.token.get_secret_value() if settings.token else ""

    async def main() -> None:
        try:
            service = await EventService.open(settings.database)
        except OSError as e:  # a SQLite file that cannot be created or opened
            raise DatabaseUnavailable(f"cannot open the database {settings.database_label} "
                                      f"({e})") from None
        try:
            bot = SchedulerBot(settings, service, process=process)
        except BaseException:
            await service.close()
            raise
        closing: list[asyncio.Task[None]] = []

        def stop() -> None:
            log.info("SIGTERM: stopping")
            if not closing:
                closing.append(asyncio.create_task(bot.close()))

        async with bot:  # the sharded client can close once it is entered
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
            await bot.start(token)
        if closing:
            await closing[0]

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        return
    except discord.LoginFailure:
        raise CannotConnect(f"Discord refused the token. {TOKEN_HELP}", True) from None
    except discord.PrivilegedIntentsRequired:
        raise CannotConnect("Discord refused a privileged intent; the bot needs none, so check "
                            "that this is the right application.", True) from None
    except discord.ConnectionClosed as e:
        if e.code not in SHARDS_REFUSED:
            raise
        raise CannotConnect(SHARDS_REFUSED[e.code], True) from None
    except (aiohttp.ClientConnectionError, OSError) as e:
        raise CannotConnect(f"cannot reach Discord ({e}). Check the machine's network "
                            "connection and start again; nothing was lost.", False) from None
