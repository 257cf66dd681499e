"""`session-scheduler status`: what an operator checks. Today: solving (workers alive, runs
queued and running; bot/event/solve_status.py)."""

from __future__ import annotations

import asyncio
import sys

from bot.config import ConfigError, load_settings
from bot.storage import DatabaseTooNew, DatabaseUnavailable, open_database

EXIT_CONFIG = 2
EXIT_UNREACHABLE = 4


def add_status_command(subparsers) -> None:
    p = subparsers.add_parser("status", help="show solve workers and runs",
                              description="Show the solve workers alive and the runs of the "
                                          "scheduler queued and running, on every server.")
    p.add_argument("--config", default="config.toml",
                   help="configuration file (default: config.toml)")
    p.add_argument("--stalled-after", type=float, default=60.0,
                   help="a worker silent this many seconds is shown as stopped (default: "
                        "%(default)s, as `session-scheduler worker`)")
    p.set_defaults(func=status_command)


async def _lines(database: str, stalled: float) -> list[str]:
    from bot.event.solve_status import solve_status, status_lines

    db = await open_database(database)
    try:
        return status_lines(await solve_status(db, stalled), db.kind)
    finally:
        await db.close()


def status_command(args) -> int:
    try:
        settings = load_settings(args.config)
    except ConfigError as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        lines = asyncio.run(_lines(settings.database, args.stalled_after))
    except DatabaseTooNew as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseUnavailable as e:
        print(f"session-scheduler: {e}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print(f"database: {settings.database_label}")
    print("\n".join(lines))
    return 0
