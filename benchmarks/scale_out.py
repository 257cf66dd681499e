"""Scale-out on PostgreSQL (issue 12): interest presses through one bot process and through two,
and solves through one solve worker and through two, on this machine.

Presses: two guilds, one on each shard of 2, in the loopback stand-in (its own process, as
Discord is elsewhere), each with N verified members and 20 posted sessions (benchmarks/
_presses.py seeds them, as button_presses.py does). The bot runs as real `session-scheduler run`
processes on one throwaway PostgreSQL server: either one process running shards 0-1 of 2, or
two processes running shard 0 and shard 1. Each round, every member of both guilds presses at
the same instant; presses/s is the answered presses over the rounds' wall time (first press to
last answer), latency from INTERACTION_CREATE to the callback. Bot CPU per press is the bot
processes' CPU time over the rounds, divided by the presses.

Solves: G events (a fixed event each: the example timetable, 7 slots in 3 rooms, S sessions,
A attendees with five interests each) queued at once and solved by `session-scheduler worker`
processes (one solve at a time each); solves per minute is G over the time from queueing the
first to storing the last. The engine stops once it proves a timetable optimal, so the time is
the CPU it needs, not a time limit.

The two configurations of each part alternate (`--repeat` times), since the machine is shared
and its speed drifts.

    python benchmarks/scale_out.py
    python benchmarks/scale_out.py -n 100 --rounds 5 --solves 6 --repeat 2
    python benchmarks/scale_out.py --parts presses -n 50
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _presses import CODE, ROOT, Presses, StandIn, press, seed  # the script's folder

from bot.config import load_settings
from bot.discord.bot import SchedulerBot
from bot.event import EventService
from bot.event.models import Actor
from bot.event.solve_status import solve_status
from tests.e2e.fake_discord.server import point_discord_py_at
from tests.e2e.shard_harness import PROCESS_CONFIG, RUN_AGAINST_STAND_IN
from tests.postgres import postgres_server

EXAMPLE_TOML = ROOT / "data" / "examples" / "timetable.toml"
OWNER = Actor(1, "owner", is_admin=True)
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of processes, from /proc."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


# ---------------------------------------------------------------------------- presses

async def start_bots(stand_in: StandIn, database: str, shards: list[str | None],
                     workdir: Path) -> list[subprocess.Popen]:
    """`session-scheduler run` processes against the stand-in, once their shards are live."""
    info = stand_in.info
    guild_ids = ", ".join(str(g["guild"]) for g in stand_in.guilds)
    before = len(await stand_in.ask({"sessions": True}))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISCORD_TOKEN": info["token"]}
    procs = []
    for i, only in enumerate(shards):
        config = workdir / f"bot{i}.toml"
        config.write_text(PROCESS_CONFIG.format(database=database, guild_ids=guild_ids,
                                                shard_count=2) + 'log_level = "WARNING"\n')
        args = ["--config", str(config), "--if-running", "wait",
                *(["--shards", only] if only is not None else [])]
        with (workdir / f"bot{i}.log").open("ab") as log:
            procs.append(subprocess.Popen(
                [sys.executable, "-c", RUN_AGAINST_STAND_IN, str(info["port"]), *args],
                cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=log))
    deadline = time.monotonic() + 60
    while True:
        sessions = (await stand_in.ask({"sessions": True}))[before:]
        if {shard for shard, live in sessions if live} == {0, 1}:
            return procs
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            stop(procs)
            raise RuntimeError(f"the bot processes did not connect; see {workdir}/bot*.log")
        await asyncio.sleep(0.2)


async def press_through(stand_in: StandIn, boards, database: str, shards: list[str | None],
                        n: int, rounds: int, workdir: Path) -> tuple[Presses, float]:
    procs = await start_bots(stand_in, database, shards, workdir)
    try:
        await press(stand_in, boards, n, 1, 0.0)  # warm-up, not counted
        cpu = cpu_seconds([p.pid for p in procs])
        out = await press(stand_in, boards, n, rounds, 0.0)
        cpu = cpu_seconds([p.pid for p in procs]) - cpu
    finally:
        stop(procs)
    return out, cpu * 1000 / out.presses


async def presses(pg, n: int, rounds: int, repeat: int, workdir: Path) -> list[tuple]:
    database = pg.new_database()
    stand_in = StandIn(n, shard_count=2)
    point_discord_py_at(stand_in.info["port"])  # the seeding bot, in this process
    rows = []
    try:
        config = load_settings(None, env={}, token=stand_in.info["token"], database=database,
                               guild_ids=[g["guild"] for g in stand_in.guilds], shard_count=2)
        service = await EventService.open(database, code_factory=lambda: CODE)
        bot = SchedulerBot(config, service, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(stand_in.info["token"]))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            boards = await seed(bot, stand_in)
        finally:
            await bot.close()
            await asyncio.gather(task, return_exceptions=True)
        for r in range(repeat):
            for label, shards in (("1 process, shards 0-1", [None]),
                                  ("2 processes, shard 0 + shard 1", ["0", "1"])):
                out, cpu = await press_through(stand_in, boards, database, shards, n, rounds,
                                               workdir)
                rows.append((r + 1, label, out, cpu))
                print(f"  presses, run {r + 1}, {label}: {out.per_second:,.0f}/s, "
                      f"p99 {out.p99:.0f} ms", file=sys.stderr)
    finally:
        stand_in.close()
    return rows


# ---------------------------------------------------------------------------- solves

async def seed_events(service: EventService, events: int, sessions: int,
                      attendees: int) -> list[int]:
    rng = random.Random(7)
    guilds = list(range(10_001, 10_001 + events))
    for guild in guilds:
        await service.setup_event(guild, OWNER, "Bench", timezone="Europe/Brussels")
        await service.import_timetable_toml(guild, OWNER, EXAMPLE_TOML.read_text())
        ids = [(await service.propose(guild, OWNER, f"Session {i}", "d")).id
               for i in range(sessions)]
        for u in range(attendees):
            who = Actor(100_000 + u, f"a{u}")
            await service.verify(guild, who, CODE)
            for sid in rng.sample(ids, min(5, len(ids))):
                await service.set_interest(guild, who, sid, rng.choice((25, 75, 100)))
    return guilds


def start_workers(database: str, count: int, workdir: Path) -> list[subprocess.Popen]:
    config = workdir / "worker.toml"
    config.write_text('log_level = "WARNING"\n')
    env = {**os.environ, "DATABASE_URL": database}
    procs = []
    for i in range(count):
        with (workdir / f"worker{i}.log").open("ab") as log:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "worker", "--config", str(config),
                 "--concurrency", "1", "--heartbeat", "1"], cwd=ROOT, env=env,
                stdout=log, stderr=subprocess.STDOUT))
    return procs


async def solve_through(service: EventService, guilds: list[int], workers: int,
                        workdir: Path) -> tuple[float, float]:
    """Solves per minute, and the mean engine seconds per solve."""
    procs = start_workers(service.db.url, workers, workdir)
    try:
        deadline = time.monotonic() + 60
        while len((await solve_status(service.db, stalled=5)).alive) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the workers did not start; see {workdir}/worker*.log")
            await asyncio.sleep(0.2)
        started = time.perf_counter()
        runs = [await service.start_schedule_run(g, OWNER, time_limit=600) for g in guilds]
        versions = await asyncio.gather(*(service.wait_for_run(g, OWNER, r.id)
                                          for g, r in zip(guilds, runs, strict=True)))
        took = time.perf_counter() - started
    finally:
        stop(procs)
    return len(guilds) * 60 / took, statistics.mean(v.solve_seconds for v in versions)


async def solves(pg, events: int, sessions: int, attendees: int, repeat: int,
                 workdir: Path) -> list[tuple]:
    service = await EventService.open(pg.new_database(), code_factory=lambda: CODE)
    rows = []
    try:
        guilds = await seed_events(service, events, sessions, attendees)
        for r in range(repeat):
            for workers in (1, 2):
                per_minute, engine = await solve_through(service, guilds, workers, workdir)
                rows.append((r + 1, workers, per_minute, engine))
                print(f"  solves, run {r + 1}, {workers} worker(s): {per_minute:.1f}/min",
                      file=sys.stderr)
    finally:
        await service.close()
    return rows


async def bench(args) -> tuple[list[tuple], list[tuple]]:
    pressed: list[tuple] = []
    solved: list[tuple] = []
    with tempfile.TemporaryDirectory() as tmp, postgres_server() as pg:
        workdir = Path(tmp)
        if "presses" in args.parts:
            pressed = await presses(pg, args.n, args.rounds, args.repeat, workdir)
        if "solves" in args.parts:
            solved = await solves(pg, args.solves, args.sessions, args.attendees, args.repeat,
                                  workdir)
    return pressed, solved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100, help="members pressing in each guild")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--solves", type=int, default=6, help="events solved at once")
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--attendees", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=2,
                    help="how many times the configurations alternate")
    ap.add_argument("--parts", nargs="+", choices=("presses", "solves"),
                    default=["presses", "solves"], help="what to measure (default: both)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    pressed, solved = asyncio.run(bench(args))
    if pressed:
        print_presses(args, pressed)
    if solved:
        print_solves(args, solved)


def print_presses(args, pressed: list[tuple]) -> None:
    print(f"Interest presses on PostgreSQL: 2 guilds (one per shard of 2), {args.n} members "
          f"each pressing at the same instant, {args.rounds} rounds\n")
    print("| run | bot processes | presses | answered | presses/s | p50 (ms) | p99 (ms) "
          "| bot CPU per press (ms) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r, label, out, cpu in pressed:
        print(f"| {r} | {label} | {out.presses} | {out.answered} | {out.per_second:,.0f} "
              f"| {out.p50:.0f} | {out.p99:.0f} | {cpu:.2f} |")


def print_solves(args, solved: list[tuple]) -> None:
    print(f"\nSolves on PostgreSQL: {args.solves} events queued at once ({args.sessions} "
          f"sessions, {args.attendees} attendees, 7 slots x 3 rooms), each solved to a proven "
          "optimum\n")
    print("| run | workers | solves/min | engine seconds per solve (mean) |")
    print("|---:|---:|---:|---:|")
    for r, workers, per_minute, engine in solved:
        print(f"| {r} | {workers} | {per_minute:.1f} | {engine:.1f} |")


if __name__ == "__main__":
    main()
