"""`session-scheduler worker`: solve runs of the scheduler from the job queue on PostgreSQL
(bot/event/solve_queue.py), on any machine that reaches the database."""

from __future__ import annotations

import asyncio
import logging
import os

from bot.config import load_settings
from bot.event.runs import DEFAULT_ATTEMPTS, process_name
from bot.exits import command, refuse
from bot.storage import is_postgresql

log = logging.getLogger("session-scheduler.worker")


def _positive(kind: type):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"not a number: {text}") from None
        if value <= 0:
            raise ValueError("must be above 0")
        return value
    parse.__name__ = kind.__name__  # argparse names the type in its message
    return parse


def add_worker_command(subparsers) -> None:
    p = subparsers.add_parser(
        "worker", help="solve runs of the scheduler from the job queue (PostgreSQL)",
        description="Solve runs of the scheduler (/admin schedule run) queued in the bot's "
                    "PostgreSQL database. Start any number, on any machine that reaches the "
                    "database. SIGTERM: takes no new run, lets running ones finish for --grace "
                    "seconds, then hands the rest back to the queue and exits.")
    p.add_argument("--config", default="config.toml",
                   help="configuration file (default: config.toml); only `database` (or "
                        "DATABASE_URL) and `log_level` are read")
    p.add_argument("--concurrency", type=_positive(int), default=os.cpu_count() or 1,
                   help="runs solved at once, each engine a process of its own (default: one "
                        "per core, here %(default)s)")
    p.add_argument("--attempts", type=_positive(int), default=DEFAULT_ATTEMPTS,
                   help="how often a run is started (after a failed engine or a worker that "
                        "stopped) before it is reported failed (default: %(default)s)")
    p.add_argument("--grace", type=float, default=30.0,
                   help="on SIGTERM, seconds running solves may take to finish before they are "
                        "handed back (default: %(default)s)")
    p.add_argument("--heartbeat", type=_positive(float), default=10.0,
                   help="seconds between this worker's heartbeats (default: %(default)s)")
    p.add_argument("--stalled-after", type=_positive(float), default=60.0,
                   help="a worker silent this many seconds has stopped: its runs are taken "
                        "over (default: %(default)s; keep it several heartbeats long)")
    p.add_argument("--name", default=None,
                   help="this worker's name in logs, runs and status (default: "
                        "worker HOST-PID)")
    p.set_defaults(func=worker_command)


@command
def worker_command(args) -> int:
    from bot.event.solve_queue import WorkerOptions, serve

    settings = load_settings(args.config)
    if not is_postgresql(settings.database):
        return refuse("workers serve a PostgreSQL database (`database` in config.toml, or "
                      "DATABASE_URL). On SQLite the bot solves its runs itself; no worker is "
                      "needed.")
    if args.grace < 0:
        return refuse("--grace must be 0 or more seconds.")
    if args.stalled_after <= args.heartbeat:
        return refuse("--stalled-after must be longer than --heartbeat, or live workers would "
                      "be taken for stopped ones.")
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = WorkerOptions(concurrency=args.concurrency, attempts=args.attempts,
                            heartbeat=args.heartbeat, stalled=args.stalled_after,
                            grace=args.grace)
    name = args.name or process_name("worker")
    log.info("%s on %s: %d at once", name, settings.database_label, options.concurrency)
    asyncio.run(serve(settings.database, options, name=name))
    log.info("%s stopped", name)
    return 0
