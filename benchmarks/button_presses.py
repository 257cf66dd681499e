"""Interest-button presses through the real bot and the loopback Discord stand-in.

N verified attendees press interest buttons at the same instant, or spread at random over a
second. A press takes discord.py's standard path, as every interaction does: the gateway event,
the registered `InterestButton`, the rules call, `interaction.response.send_message`. Its
latency is the time from the stand-in writing INTERACTION_CREATE to the callback reaching it
(what Discord's 3-second window is about). The stand-in runs in its own process, as Discord is
on another machine, so its work does not share the bot's event loop.

Bot CPU per press is the bot process's CPU time (every thread: the event loop and the database
writer) over the timed rounds, divided by the presses. It includes what the bot does while idle
(heartbeats, database checkpoints), so rows spread over a second read higher.

    python benchmarks/button_presses.py            # N = 50 and 200, 10 rounds each
    python benchmarks/button_presses.py -n 500 --rounds 5 --spread 0
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

from _presses import CODE, StandIn, press, seed  # the script's folder is on the path

from bot.config import load_settings  # noqa: E402
from bot.discord.bot import SchedulerBot  # noqa: E402
from bot.event import EventService  # noqa: E402
from tests.e2e.fake_discord.server import point_discord_py_at  # noqa: E402

Row = tuple[int, float, int, int, float, float, float, float]


async def bench(counts: list[int], rounds: int, spreads: list[float]) -> list[Row]:
    stand_in = StandIn(max(counts))
    info = stand_in.info
    point_discord_py_at(info["port"])  # for the rest of this process
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = load_settings(None, env={}, token=info["token"],
                               database=Path(tmp) / "bench.sqlite",
                               guild_ids=[g["guild"] for g in stand_in.guilds])
        service = await EventService.open(config.database, code_factory=lambda: CODE)
        bot = SchedulerBot(config, service, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(info["token"]))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            boards = await seed(bot, stand_in)
            for spread in spreads:
                for n in counts:
                    cpu = time.process_time()
                    out = await press(stand_in, boards, n, rounds, spread)
                    cpu = time.process_time() - cpu
                    rows.append((n, spread, out.presses, out.answered, out.p50, out.p99,
                                 max(out.latencies_ms), cpu * 1000 / out.presses))
        finally:
            await bot.close()
            await asyncio.gather(task, return_exceptions=True)
            stand_in.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, action="append", help="attendees (repeatable)")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--spread", type=float, action="append",
                    help="seconds over which each round's presses are spread at random "
                         "(repeatable; default: 0 = all at the same instant, and 1)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = asyncio.run(bench(args.n or [50, 200], args.rounds, args.spread or [0.0, 1.0]))
    print("Interest-button presses, INTERACTION_CREATE → callback (through discord.py; the "
          "stand-in in its own process)\n")
    print("| attendees | presses spread over | presses | answered | p50 (ms) | p99 (ms) "
          "| max (ms) | bot CPU per press (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, spread, presses, answered, p50, p99, worst, cpu in rows:
        within = "same instant" if not spread else f"{spread:g} s"
        print(f"| {n} | {within} | {presses} | {answered} | {p50:.1f} | {p99:.1f} "
              f"| {worst:.1f} | {cpu:.3f} |")


if __name__ == "__main__":
    main()
