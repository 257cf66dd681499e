"""The bot object: the same one `session-scheduler run` starts and the end-to-end tests drive."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from bot.announce import Announcer
from bot.config import TOKEN_HELP, Settings
from bot.discord import embeds, errors
from bot.discord.cogs.admin import Admin
from bot.discord.cogs.attendee import Attendee
from bot.discord.errors import Refused
from bot.discord.interest import InterestButton, interest_view
from bot.discord.mirror import EventMirror
from bot.discord.notices import NoticesCog
from bot.discord.picture import TimetablePictures
from bot.discord.publishing import Publisher
from bot.discord.reminders import RemindersCog
from bot.discord.threads import SessionThreads
from bot.event import EventService
from bot.event.models import (
    SYSTEM,
    EventSettings,
    Publication,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    SessionView,
)
from bot.event.personal import PersonalStore
from bot.event.posting import PostingStore
from bot.remind import Reminders

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
TIMETABLE = "timetable"
SETTINGS_TTL = 30.0  # seconds; a safety net, admin commands clear the cache at once


class SchedulerBot(commands.Bot):
    """Slash commands only (no message content intent, no members intent)."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time,
                 service_options: dict[str, Any] | None = None, **client_options: Any):
        client_options.setdefault("intents", discord.Intents.default())
        super().__init__(command_prefix=commands.when_mentioned, help_command=None,
                         allowed_mentions=NO_MENTIONS, **client_options)
        self.settings = settings
        self.clock = clock
        self._service_options = service_options or {}
        self.service: EventService = None  # type: ignore[assignment]  # opened in setup_hook
        self.posting: PostingStore = None  # type: ignore[assignment]
        self.announcer: Announcer = None  # type: ignore[assignment]
        self.publisher: Publisher = None  # type: ignore[assignment]
        self.mirror: EventMirror = None  # type: ignore[assignment]
        self.threads: SessionThreads = None  # type: ignore[assignment]
        self.pictures: TimetablePictures = None  # type: ignore[assignment]
        self.personal: PersonalStore = None  # type: ignore[assignment]
        self.reminders: Reminders = None  # type: ignore[assignment]  # set by RemindersCog
        self.synced: list[discord.app_commands.AppCommand] = []
        self._settings_cache: dict[int, tuple[float, EventSettings]] = {}

    async def setup_hook(self) -> None:
        self.settings.database.parent.mkdir(parents=True, exist_ok=True)
        self.service = await EventService.open(self.settings.database, clock=self.clock,
                                               **self._service_options)
        self.add_dynamic_items(InterestButton)
        self.posting = PostingStore(self.service.db)
        self.publisher = Publisher(self.service)
        self.publisher.add_step("timetable posts", self._publish_timetable)
        self.publisher.add_step("announcements", self._publish_announcements)
        self.threads = SessionThreads(self)
        self.pictures = TimetablePictures(self)
        self.publisher.add_step("timetable picture", self.pictures.step)
        self.mirror = EventMirror(self)
        self.publisher.add_step("Discord events", self.mirror.step)
        await self.add_cog(Attendee(self))
        await self.add_cog(Admin(self))
        self.personal = PersonalStore(self.service.db)  # reminders, notices, closed DMs
        await self.add_cog(RemindersCog(self))
        await self.add_cog(NoticesCog(self))
        self.tree.on_error = self._on_app_command_error
        if self.settings.guild_ids:
            for gid in self.settings.guild_ids:
                guild = discord.Object(gid)
                self.tree.copy_global_to(guild=guild)
                self.synced += await self.tree.sync(guild=guild)
        else:
            self.synced = await self.tree.sync()
        self.announcer = Announcer(
            self.service, self.posting, self.announce,
            lead_minutes=self.settings.announce_minutes_before,
            agenda_time=self.settings.daily_agenda_time,
            catch_up_minutes=self.settings.announce_catch_up_minutes, clock=self.clock)
        # channels are known once the gateway is ready; missed announcements go out then
        self._announcer_task = asyncio.create_task(self._start_announcer())

    async def _start_announcer(self) -> None:
        await self.wait_until_ready()
        try:
            await self.announcer.start()
        except Exception:
            log.exception("the announcer could not start")

    async def close(self) -> None:
        task = getattr(self, "_announcer_task", None)
        if task is not None and not task.done():
            task.cancel()
        if self.announcer is not None:
            self.announcer.stop()
        await super().close()
        if self.service is not None:
            await self.service.close()
            self.service = None  # type: ignore[assignment]

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

    async def on_app_command_completion(self, interaction: discord.Interaction,
                                        command: Any) -> None:
        self._admin_command_ended(interaction, command)

    async def _on_app_command_error(self, interaction: discord.Interaction,
                                    error: discord.app_commands.AppCommandError) -> None:
        self._admin_command_ended(interaction, interaction.command)
        await errors.on_app_command_error(interaction, error)

    def _admin_command_ended(self, interaction: discord.Interaction, command: Any) -> None:
        """An admin command may have changed the settings, also one that failed after
        writing: the gates read them afresh."""
        if command is not None and command.qualified_name.startswith("admin"):
            self.forget_settings(interaction.guild_id)

    # ------------------------------------------------------------------ posting to channels

    def text_channel(self, channel_id: int | None) -> discord.abc.Messageable | None:
        if channel_id is None:
            return None
        channel = self.get_channel(channel_id)
        return channel if isinstance(channel, discord.abc.Messageable) else None

    async def post_session(self, settings: EventSettings, s: SessionView) -> str | None:
        """A public session in the proposals channel, with its interest buttons and its
        discussion thread (opened once). Returns a line for an organiser when Discord refused
        the thread."""
        channel = self.text_channel(settings.proposals_channel_id)
        if channel is None or s.status != "public":
            return None
        thread_id = await self.threads.thread_id(settings.guild_id, s.id)
        try:
            msg = await channel.send(embed=embeds.session_embed(s, thread_id),
                                     view=interest_view(s.id), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as e:
            log.warning("could not post session %s: %s", s.id, e)
            return None
        if thread_id is None:
            return await self.threads.open(settings.guild_id, s, msg)
        return None

    async def post_timetable(self, settings: EventSettings,
                             tt: PublishedTimetable) -> tuple[int, int, int]:
        """The published timetable in the announcements channel, one message per day or more
        when a day does not fit in one. The messages posted before are edited in place, in
        channel order (so the parts of a day stay in order when their number changes); those
        no longer needed are deleted. Returns (days, messages posted, messages edited)."""
        guild_id = settings.guild_id
        channel = self.text_channel(settings.announcements_channel_id)
        if channel is None:
            return 0, 0, 0
        before = await self.posting.posted_messages(guild_id, TIMETABLE)
        reusable = sorted(mid for cid, mid in before.values() if cid == channel.id)
        after: dict[str, tuple[int, int]] = {}
        posted = edited = 0
        threads = await self.threads.thread_ids(guild_id)
        for key, message_embeds in embeds.timetable_messages(tt, threads=threads,
                                                             guild_id=guild_id):
            while reusable:
                mid = reusable.pop(0)
                try:
                    await channel.get_partial_message(mid).edit(
                        embeds=message_embeds, allowed_mentions=NO_MENTIONS)
                except discord.NotFound:
                    continue  # deleted by someone: the next one, or a new message
                after[key] = (channel.id, mid)
                edited += 1
                break
            else:
                try:
                    msg = await channel.send(embeds=message_embeds,
                                             allowed_mentions=NO_MENTIONS)
                except discord.Forbidden:
                    unused = {k: v for k, v in before.items() if v not in after.values()}
                    await self.posting.set_posted_messages(guild_id, TIMETABLE,
                                                           {**unused, **after})
                    raise Refused(f"The schedule is published, but I cannot post in "
                                  f"<#{channel.id}>: give me View Channel, Send Messages and "
                                  "Embed Links there, then publish again.") from None
                after[key] = (channel.id, msg.id)
                posted += 1
        for mid in reusable:  # parts and days no longer in the timetable
            with contextlib.suppress(discord.HTTPException):
                await channel.get_partial_message(mid).delete()
        await self.posting.set_posted_messages(guild_id, TIMETABLE, after)
        return len(tt.days), posted, edited

    async def _publish_timetable(self, done: Publication) -> str:
        days, posted, edited = await self.post_timetable(done.settings, done.timetable)
        if posted or edited:
            settings = done.settings
            unit = "day" if posted + edited == days else "message"
            did = [f"{embeds.plural(n, unit)} {verb}" for n, verb in
                   ((posted, "posted"), (edited, "updated in place")) if n]
            where = f"<#{settings.announcements_channel_id}>"
            if unit == "message":
                where += f" ({embeds.plural(days, 'day')})"
            return f"Timetable in {where}: {', '.join(did)}."
        return "(No announcements channel: set one with /admin setup.)"

    async def _publish_announcements(self, done: Publication) -> None:
        await self.announcer.rebuild(done.guild_id, done.timetable)

    async def announce(self, guild_id: int, kind: str, payload: Any) -> bool:
        """The announcer's sender: "up next" for a slot, or the day's agenda."""
        settings = await self.service.settings(guild_id, SYSTEM)
        channel = self.text_channel(settings.announcements_channel_id)
        if channel is None:
            return False
        threads = await self.threads.thread_ids(guild_id)
        if kind == "up-next" and isinstance(payload, PublishedSlot):
            messages = embeds.split_messages(embeds.up_next_embeds(payload, threads, guild_id))
        elif kind == "agenda" and isinstance(payload, PublishedDay):
            messages = embeds.agenda_messages(payload, threads, guild_id)
        else:
            return False
        for found in messages:
            await channel.send(embeds=found, allowed_mentions=NO_MENTIONS)
        return True


class CannotConnect(RuntimeError):
    """Discord refused the token or could not be reached: said plainly, no traceback."""

    def __init__(self, message: str, token_refused: bool):
        super().__init__(message)
        self.token_refused = token_refused


def run_bot(settings: Settings) -> None:
    """Run the bot `session-scheduler run` starts until it stops (the token is never logged)."""
    bot = create_bot(settings)

    async def runner() -> None:
        async with bot:
            await bot.start(settings.token.get_secret_value())

    try:
        asyncio.run(runner())
    except KeyboardInterrupt:
        return
    except discord.LoginFailure:
        raise CannotConnect(f"Discord refused the token. {TOKEN_HELP}", True) from None
    except discord.PrivilegedIntentsRequired:
        raise CannotConnect("Discord refused a privileged intent; the bot needs none, so check "
                            "that this is the right application.", True) from None
    except (aiohttp.ClientConnectionError, OSError) as e:
        raise CannotConnect(f"cannot reach Discord ({e}). Check the machine's network "
                            "connection and start again; nothing was lost.", False) from None


def create_bot(settings: Settings, **options: Any) -> SchedulerBot:
    """The bot `session-scheduler run` starts (tests pass a small guild_ready_timeout)."""
    return SchedulerBot(settings, **options)
