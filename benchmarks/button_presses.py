"""Interest-button presses through the loopback Discord stand-in and the real bot.

N verified attendees press interest buttons at the same moment (or spread over a second); the
latency of each press is the time from the stand-in writing INTERACTION_CREATE to the bot's
callback reaching it (the figure Discord's 3-second window is about). The stand-in runs in its
own process, as Discord would be on another machine; `--same-process` runs it on the bot's event
loop instead.

The bot runs on the event loop `session-scheduler run` uses (`bot/event_loop.py`: uvloop where
installed); `--asyncio-loop` runs it on asyncio's own loop instead, to compare.

The first burst after the bot starts is reported on its own row: it also opens the connections
the bot's replies then keep alive (`bot/discord/callbacks.py`), a cost a running event pays once,
not per burst. The other rows come after it.

Two figures per run. "p99" times the callback by its arrival at the stand-in, as Discord does.
"p99 handled" times it by when the one-process stand-in got round to handling it: in a burst
the stand-in answers callbacks more slowly than the bot sends them, so this adds the stand-in's
own queue (Discord's side) to the bot's latency. It is shown so the two can be compared.

    python benchmarks/button_presses.py            # N = 50 and 200, 10 rounds each
    python benchmarks/button_presses.py -n 500 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.discord.bot import SchedulerBot  # noqa: E402
from bot.discord.proposals import post_session  # noqa: E402
from bot.event import EventService  # noqa: E402
from bot.event.models import Actor  # noqa: E402
from tests.e2e.fake_discord.server import point_discord_py_at  # noqa: E402

SESSIONS = 20
CODE = "ABCD2345"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s)) - 1))]


Row = tuple[str, int, float, int, float, float, float, float, float, float | None]
FIRST = "first burst"  # the row of the burst that opens the reply connections


def _row(n: int, spread: float, latencies: list[float], handled: list[float],
         bot_cpu: float, stand_in_cpu: float | None, label: str = "") -> Row:
    """Milliseconds; CPU time is per press (the bot's process, and the stand-in's)."""
    ms, hs = [x * 1000 for x in latencies], [x * 1000 for x in handled]
    per = 1000 / len(ms)
    return (label, n, spread, len(ms), statistics.median(ms), pct(ms, 99), max(ms),
            pct(hs, 99), bot_cpu * per, None if stand_in_cpu is None else stand_in_cpu * per)


async def seed(bot, guild: int, owner: Actor, proposals_id: int,
               members: list[tuple[int, str]]) -> list[int]:
    """The event both variants press on: SESSIONS posted with their buttons, every member
    verified in the database (as /verify does). The session ids, in posting order."""
    svc = bot.service
    await svc.setup_event(guild, owner, "Bench")
    settings = await svc.update_settings(guild, owner, proposals_channel_id=proposals_id)
    ids = []
    for i in range(SESSIONS):
        s = await svc.propose(guild, owner, f"Session {i}", "d")
        await post_session(bot, settings, s)
        ids.append(s.id)
    for user_id, name in members:
        await svc.verify(guild, Actor(user_id, name), CODE)
    return ids


class Child:
    def __init__(self, members: int):
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "_stand_in_process.py"), str(members)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.info = self.read()

    def read(self):
        return json.loads(self.proc.stdout.readline())

    async def ask(self, cmd: dict):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return await asyncio.to_thread(self.read)

    def close(self) -> None:
        try:
            self.proc.stdin.write('{"quit": true}\n')
            self.proc.stdin.flush()
            self.proc.wait(10)
        finally:
            self.proc.kill()


async def bench(counts: list[int], rounds: int, spreads: tuple[float, ...] = (0.0,)
                ) -> list[Row]:
    child = Child(max(counts))
    info = child.info
    point_discord_py_at(info["port"])  # for the rest of this process
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        config = load_settings(None, env={}, token=info["token"],
                               database=Path(tmp) / "bench.sqlite", guild_ids=[info["guild"]])
        service = await EventService.open(config.database, code_factory=lambda: CODE)
        bot = SchedulerBot(config, service, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(info["token"]))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            ids = await seed(bot, info["guild"], Actor(1, "owner", is_admin=True),
                             info["proposals"], [(m, f"a{m}") for m in info["members"]])
            board = list(zip(ids, await child.ask({"messages": True}), strict=True))

            async def burst(n: int, rounds: int, spread: float, label: str = "") -> None:
                cpu = time.process_time()
                out = await child.ask({"press": n, "rounds": rounds, "board": board,
                                       "spread": spread})
                cpu = time.process_time() - cpu
                assert out["bad"] == 0, out["bad"]
                rows.append(_row(n, spread, out["latencies"], out["handled"], cpu, out["cpu"],
                                 label))

            await burst(max(counts), 1, 0.0, FIRST)
            for spread in spreads:
                for n in counts:
                    await burst(n, rounds, spread)
        finally:
            await bot.close()
            await asyncio.gather(task, return_exceptions=True)
            child.close()
    return rows


async def bench_same_process(counts: list[int], rounds: int):
    from _stand_in_process import press_rounds  # this script's folder is on sys.path

    from tests.e2e.bot_harness import make_bot
    from tests.e2e.fake_discord import FakeDiscord

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord() as fake:
            bot = await fake.connect(await make_bot(fake, Path(tmp) / "bench.sqlite"))
            proposals = fake.add_channel("proposals")
            await fake.wait_until(lambda: bot.get_channel(proposals.id))
            members = [fake.add_member(f"a{i}") for i in range(max(counts))]
            ids = await seed(bot, fake.guild.id, Actor(fake.owner.id, "owner", is_admin=True),
                             proposals.id, [(m.id, m.user.username) for m in members])
            board = list(zip(ids, [int(m["id"]) for m in fake.messages_in(proposals)],
                             strict=True))
            for n, rounds_, label in [(max(counts), 1, FIRST)] + [(n, rounds, "") for n in counts]:
                cpu = time.process_time()
                latencies, handled, bad = await press_rounds(fake, board, members[:n], rounds_)
                assert bad == 0, bad
                rows.append(_row(n, 0.0, latencies, handled, time.process_time() - cpu, None,
                                 label))
            await fake.disconnect(bot)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, action="append", help="attendees (repeatable)")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--spread", type=float, action="append",
                    help="seconds over which each round's presses are spread at random "
                         "(repeatable; default: 0 = all at the same instant, and 1)")
    ap.add_argument("--same-process", action="store_true",
                    help="run the stand-in on the bot's own event loop")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    counts = args.n or [50, 200]
    if args.same_process:
        main_ = bench_same_process(counts, args.rounds)
    else:
        main_ = bench(counts, args.rounds, tuple(args.spread or (0.0, 1.0)))
    rows = asyncio.run(main_)
    where = "same process" if args.same_process else "stand-in in its own process"
    print(f"Interest-button presses, INTERACTION_CREATE → callback ({where})\n")
    print("| attendees | presses spread over | presses | p50 (ms) | p99 (ms) | max (ms) "
          "| p99 handled (ms) | bot CPU per press (ms) | stand-in CPU per press (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, n, spread, count, p50, p99, worst, handled, bot_cpu, stand_in_cpu in rows:
        within = "same instant" if not spread else f"{spread:g} s"
        within += f" ({label})" if label else ""
        other = "-" if stand_in_cpu is None else f"{stand_in_cpu:.3f}"
        print(f"| {n} | {within} | {count} | {p50:.1f} | {p99:.1f} | {worst:.1f} "
              f"| {handled:.1f} | {bot_cpu:.3f} | {other} |")


if __name__ == "__main__":
    main()
