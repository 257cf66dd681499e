"""A run's private message outlives the process that sent it. `/admin schedule run` keeps the
message (its interaction's webhook, `run_replies`) while the run goes on; a process that starts
owning the guild (after a restart, or a re-sharding) follows each run of its guilds whose message
nobody finished, and finishes it when the run ends: the outcome in the message while Discord's
15 minutes for the interaction last, else a DM for a computed version
(`scheduling.too_late`). The preview is not repeated there: the message says how to see it."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.discord import embeds
from bot.discord.errors import NO_MENTIONS, token_expired
from bot.discord.languages import language_for
from bot.discord.scheduling import too_late
from bot.event.errors import EventError, RunStopped
from bot.event.models import Actor, ScheduleVersion
from bot.i18n import Language
from bot.shards import in_guild
from bot.storage import Row
from bot.storage.replies import RunReplies as ReplyStore

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
#: How long Discord lets a command's answer be edited and followed up.
TOKEN_LIFETIME = timedelta(minutes=15)


class RunReplies:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot
        self.store = ReplyStore(bot.service.db)
        self._following: set[asyncio.Task[None]] = set()

    async def remember(self, run_id: int, interaction: discord.Interaction,
                       message: discord.WebhookMessage) -> None:
        """Keep the run's message for whoever owns the guild when the run ends. A failure is
        logged: the run goes on, and only a restart would leave its message unfinished."""
        try:
            await self.store.remember(
                run_id, interaction.guild_id, interaction.user.id, interaction.application_id,
                interaction.token, message.id,
                (interaction.created_at + TOKEN_LIFETIME).isoformat())
        except Exception:
            log.warning("run %s: could not keep its message", run_id, exc_info=True)

    async def forget(self, run_id: int) -> None:
        """The run's message is finished."""
        try:
            await self.store.forget(run_id)
        except Exception:
            log.warning("run %s: could not forget its message", run_id, exc_info=True)

    async def resume(self) -> None:
        """At start: follow the runs of this process's guilds whose message is unfinished."""
        for row in await self.store.waiting():
            if self.bot.owns(row["guild_id"]):
                task = asyncio.create_task(self._follow(row), name=f"run {row['run_id']} reply")
                self._following.add(task)
                task.add_done_callback(self._following.discard)

    def stop(self) -> None:
        for task in list(self._following):
            task.cancel()

    async def _follow(self, row: Row) -> None:
        guild_id, run_id = row["guild_id"], row["run_id"]
        # who ran it is not known to this process: the server's language
        t = language_for(self.bot.get_guild(guild_id))
        with in_guild(guild_id):
            version: ScheduleVersion | None = None
            # on SQLite the run ended with the process that solved it: stored, or failed as
            # interrupted when the service opened; on PostgreSQL a worker may still be at it
            try:
                version = await self.bot.service.wait_for_run(
                    guild_id, Actor(row["user_id"], is_admin=True), run_id)
                text = t.gettext(
                    "Done in {seconds}s: version #{version}. The bot restarted during the run, "
                    "so its preview is not shown here: see it with /admin schedule preview "
                    "version:{version}, and publish it with /admin schedule publish "
                    "version:{version}.", seconds=embeds.decimal(version.solve_seconds, 1, t),
                    version=version.id)
            except RunStopped as e:
                text = t.gettext("Scheduling stopped: {why}", why=t.text(e.message))
            except EventError as e:
                text = t.gettext("Scheduling failed: {why}", why=t.text(e.message))
            except Exception:
                log.exception("run %s: could not follow it after a restart", run_id)
                return
            await self._finish(row, text, version, t)

    async def _finish(self, row: Row, text: str, version: ScheduleVersion | None,
                      t: Language) -> None:
        webhook = discord.Webhook.partial(row["application_id"], row["token"], client=self.bot)
        try:
            await webhook.edit_message(row["message_id"], content=text,
                                       allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as e:
            if not token_expired(e):
                log.warning("run %s: could not finish its message: %s", row["run_id"], e)
            elif version is not None:
                await too_late(self.bot, row["user_id"], version.id, t)
        await self.forget(row["run_id"])
