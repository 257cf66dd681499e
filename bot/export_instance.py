"""`session-scheduler export-instance`: a real event's input to the engine, as the JSON the
offline CLI reads (`session-scheduler solve`), from the bot's database."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.config import load_settings
from bot.event import EventService
from bot.event.errors import EventError
from bot.event.models import SYSTEM
from bot.exits import command, missing_database, refuse


def add_export_instance_command(subparsers) -> None:
    p = subparsers.add_parser(
        "export-instance", help="write a server's event as the engine's JSON",
        description="Write the engine's input for one server's event, as a run would solve it "
                    "(public sessions, hosts, constraints, interest, the published timetable), "
                    "for `session-scheduler solve`.")
    p.add_argument("guild", type=int, help="the Discord server's id")
    p.add_argument("--config", default="config.toml",
                   help="configuration file naming the database (default: config.toml)")
    p.add_argument("--database", help="the database instead (a SQLite path or a "
                                      "postgresql:// URL)")
    p.add_argument("-o", "--output", default="-",
                   help="where to write the JSON (default: standard output)")
    p.set_defaults(func=export_instance_command)


@command
def export_instance_command(args) -> int:
    overrides = {} if args.database is None else {"database": args.database}
    settings = load_settings(args.config, **overrides)
    if missing := missing_database(settings.database):
        return refuse(missing)
    try:
        text = asyncio.run(_instance_json(settings.database, args.guild))
    except EventError as e:
        return refuse(e.user_message)
    if args.output == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


async def _instance_json(database: str | Path, guild_id: int) -> str:
    async with await EventService.open(database) as service:
        instance = await service.engine_instance(guild_id, SYSTEM)
    return instance.model_dump_json(indent=1, exclude_defaults=True)
