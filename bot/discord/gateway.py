"""The state of this process's gateway sessions, one per shard, written down for
`session-scheduler status` (bot/storage/connections.py): each connect, ready, resume and
disconnect discord.py reports, with the latency then, and the latency again every minute
while the process runs. A write that fails is logged and skipped: the report must never get
in the way of the gateway."""

from __future__ import annotations

import asyncio
import logging
import math
from typing import TYPE_CHECKING

from bot.storage.connections import ConnectionStore

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
LATENCY_EVERY = 60.0  # seconds between two refreshes of the shards' latencies


class GatewayReports:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot
        self.store = ConnectionStore(bot.service.db)
        self._refreshing: asyncio.Task[None] | None = None
        self._stopped = False

    def _latency(self, shard_id: int) -> float | None:
        shard = self.bot.get_shard(shard_id)
        latency = shard.latency if shard is not None else math.inf
        return latency if math.isfinite(latency) else None

    async def changed(self, shard_id: int, state: str) -> None:
        if not self._stopped:  # what the close itself makes discord.py report is known
            await self._record(shard_id, state)

    async def _record(self, shard_id: int, state: str) -> None:
        process = self.bot.process
        try:
            await self.store.record(self.bot.shard_plan.count, shard_id, process.name,
                                    process.host, process.pid, state, self._latency(shard_id))
        except Exception:
            log.warning("could not record that shard %s is %s", shard_id, state, exc_info=True)

    def start(self) -> None:
        self._refreshing = asyncio.create_task(self._refresh(), name="shard latencies")

    async def stop(self) -> None:
        """Before the gateway closes: the refreshes end, and each shard is written down as
        disconnected, so a clean stop is not taken for a live session."""
        self._stopped = True
        if self._refreshing is not None:
            self._refreshing.cancel()
            self._refreshing = None
        for shard_id in self.bot.shard_plan.ids:
            await self._record(shard_id, "disconnected")

    async def _refresh(self) -> None:
        plan, name = self.bot.shard_plan, self.bot.process.name
        while True:
            await asyncio.sleep(LATENCY_EVERY)
            for shard_id in plan.ids:
                latency = self._latency(shard_id)
                if latency is None:
                    continue
                try:
                    await self.store.record_latency(plan.count, shard_id, name, latency)
                except Exception:
                    log.warning("could not record shard %s's latency", shard_id, exc_info=True)
