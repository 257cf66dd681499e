"""Discord scheduled events that mirror the published schedule: a publish step, switched on
and off with `/admin events`.

Each placed session gets one Guild Scheduled Event (title, description, slot times; in the
room's voice or stage channel when one is mapped, else an external event at the room's name).
The stored (guild, session) → (event id, fingerprint) mapping makes re-publishing send exactly
the creates, updates and deletes that changed something, and a restart duplicate nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import admin_actor
from bot.discord.errors import Refused, say
from bot.discord.languages import language_for
from bot.event.mirror import ChannelKind, event_spec, fingerprint, plan_sync
from bot.event.models import Publication
from bot.i18n import N_, NP_, Message
from bot.storage.mirror import Mirrored, MirrorItem, MirrorStore

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
UNKNOWN_EVENT = 10070
PERMISSION_REFUSAL = N_("Discord events: I need the **Manage Events** permission to mirror the "
                        "sessions as Discord events. Give it to my role and publish again, or "
                        "turn the mirror off with /admin events on:False.")


class EventMirror:
    def __init__(self, bot: SchedulerBot, store: MirrorStore):
        self.bot = bot
        self.store = store
        self._locks: dict[int, asyncio.Lock] = {}

    async def step(self, done: Publication) -> Message | None:
        return await self.sync(done.guild_id)

    def _channel_kind(self, guild: discord.Guild, item: MirrorItem) -> ChannelKind:
        if item.voice_channel_id is None:
            return None
        channel = guild.get_channel(item.voice_channel_id)
        if isinstance(channel, discord.StageChannel):
            return "stage"
        if isinstance(channel, discord.VoiceChannel):
            return "voice"
        return None  # deleted, or not a voice channel: the room's name as a location

    async def sync(self, guild_id: int) -> Message | None:
        """Bring the guild's scheduled events in step with the published schedule; a line for
        the organiser (said in their language), None when the mirror is off or the guild is
        unknown."""
        async with self._locks.setdefault(guild_id, asyncio.Lock()):
            return await self._sync(guild_id)

    async def _sync(self, guild_id: int) -> Message | None:
        on, items = await self.store.wanted(guild_id)
        guild = self.bot.get_guild(guild_id)
        if not on or guild is None:
            return None
        specs = {i.session_id: event_spec(i, self._channel_kind(guild, i)) for i in items}
        fps = {sid: fingerprint(spec) for sid, spec in specs.items()}
        starts = {i.session_id: i.start for i in items}
        stored = await self.store.mirrored(guild_id)
        now = datetime.fromtimestamp(self.bot.clock(), UTC)
        plan = plan_sync({sid: (starts[sid], fps[sid]) for sid in specs}, stored, now)
        counts = {"created": 0, "updated": 0, "removed": 0}
        failed = 0
        try:
            for sid in plan.delete:
                await self._delete(guild_id, sid, stored[sid].event_id)
                counts["removed"] += 1
            for sid in plan.update + plan.create:
                try:
                    done = await self._put(guild_id, sid, stored.get(sid), specs[sid], fps[sid])
                except discord.Forbidden:
                    raise
                except discord.HTTPException as e:
                    failed += 1
                    log.warning("scheduled event of session %s in guild %s: %s", sid, guild_id, e)
                else:
                    counts[done] += 1
        except discord.Forbidden:
            raise Refused(PERMISSION_REFUSAL) from None
        parts = []
        if counts["created"]:
            parts.append(NP_("{n} created", "{n} created", counts["created"]))
        if counts["updated"]:
            parts.append(NP_("{n} updated", "{n} updated", counts["updated"]))
        if counts["removed"]:
            parts.append(NP_("{n} removed", "{n} removed", counts["removed"]))
        parts.append(NP_("{n} unchanged", "{n} unchanged", len(plan.unchanged)))
        if plan.started:
            parts.append(NP_("{n} already started (left as it is)",
                             "{n} already started (left as they are)", len(plan.started)))
        if failed:
            parts.append(NP_("{n} refused by Discord (see the bot's log)",
                             "{n} refused by Discord (see the bot's log)", failed))
        listed = parts[0]
        for part in parts[1:]:
            # TRANSLATORS: a list of counts, one more item after the others
            listed = N_("{items}, {item}", items=listed, item=part)
        return N_("Discord events: {counts}.", counts=listed)

    async def _delete(self, guild_id: int, sid: int, event_id: int) -> None:
        with contextlib.suppress(discord.NotFound):  # deleted by hand already
            await self.bot.http.delete_scheduled_event(guild_id, event_id,
                                                       reason="session no longer scheduled")
        await self.store.forget(guild_id, sid)

    async def _put(self, guild_id: int, sid: int, old: Mirrored | None, spec: dict,
                   fp: str) -> str:
        """Update the session's event, or create it (also when it was deleted in Discord);
        the mapping is stored at once, so a crash right after duplicates nothing."""
        http = self.bot.http
        if old is not None:
            try:
                await http.edit_scheduled_event(guild_id, old.event_id,
                                                reason="schedule published", **spec)
            except discord.NotFound:
                pass
            else:
                await self.store.remember(guild_id, sid, old.event_id, fp)
                return "updated"
        data = await http.create_guild_scheduled_event(guild_id, reason="schedule published",
                                                       **spec)
        await self.store.remember(guild_id, sid, int(data["id"]), fp)
        return "created"


@app_commands.command(name="events", description="Mirror the published sessions as Discord "
                                                 "scheduled events (on/off)")
@app_commands.describe(
    on="True: publishing creates and updates Discord events; False: it stops",
)
async def events(interaction: discord.Interaction[SchedulerBot], on: bool) -> None:
    guild_id, actor = await admin_actor(interaction)
    bot = interaction.client
    s = await bot.service.update_settings(guild_id, actor, mirror_events=on)
    t = language_for(interaction)
    if not s.mirror_events:
        await say(interaction, t.gettext("Discord events mirror: off. Publishing no longer "
                                         "creates, moves or removes Discord events; the ones "
                                         "already there stay."))
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    line = (await bot.mirror.sync(guild_id)) if s.published_version_id else None
    await say(interaction, t.gettext("Discord events mirror: on. {done}", done=line) if line
              else t.gettext("Discord events mirror: on. The next publish creates them."))
