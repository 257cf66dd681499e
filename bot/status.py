"""`session-scheduler status`: what an operator checks. The bot processes (who runs each shard,
each shard's gateway session, the timed messages being sent: bot/event/shard_status.py) and
solving (workers alive, runs queued and running: bot/event/solve_status.py), as text or, with
`--json`, as one JSON object for scripts and monitoring."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

from bot.config import Settings, load_settings
from bot.exits import command, missing_database, refuse
from bot.storage import open_database


def add_status_command(subparsers) -> None:
    p = subparsers.add_parser("status", help="show the shards, solve workers and runs",
                              description="Show which process runs each shard and whether its "
                                          "gateway session is connected, the announcements "
                                          "and reminders being sent, the solve workers alive "
                                          "and the runs of the scheduler queued and running, "
                                          "on every server.")
    p.add_argument("--config", default="config.toml",
                   help="configuration file (default: config.toml)")
    p.add_argument("--stalled-after", type=float, default=60.0,
                   help="a worker silent this many seconds is shown as stopped (default: "
                        "%(default)s, as `session-scheduler worker`)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object instead of text")
    p.set_defaults(func=status_command)


async def _status(settings: Settings, stalled: float) -> tuple[Any, Any, str]:
    from bot.event.shard_status import shard_status
    from bot.event.solve_status import solve_status
    from bot.runner import shard_owners

    owners = await asyncio.to_thread(shard_owners, settings.database)
    db = await open_database(settings.database)
    try:
        shards = await shard_status(db, owners, settings.shard_plan.count)
        return shards, await solve_status(db, stalled), db.kind
    finally:
        await db.close()


def _as_json(settings: Settings, shards: Any, solving: Any, kind: str) -> str:
    out = {"database": settings.database_label, "engine": kind,
           "shards": {**dataclasses.asdict(shards),
                      "owned": len(shards.owned), "connected": len(shards.connected)},
           "solving": {**dataclasses.asdict(solving), "alive": len(solving.alive),
                       "queued": len(solving.queued), "running": len(solving.running)}}
    for shown, shard in zip(out["shards"]["shards"], shards.shards, strict=True):
        shown["connected"] = shard.connected
    return json.dumps(out, indent=2)


@command
def status_command(args) -> int:
    from bot.event import shard_status, solve_status

    settings = load_settings(args.config)
    if missing := missing_database(settings.database):
        return refuse(missing)
    shards, solving, kind = asyncio.run(_status(settings, args.stalled_after))
    if args.json:
        print(_as_json(settings, shards, solving, kind))
        return 0
    print(f"database: {settings.database_label}")
    print("\n".join(shard_status.status_lines(shards)))
    print("\n".join(solve_status.status_lines(solving, kind)))
    return 0
