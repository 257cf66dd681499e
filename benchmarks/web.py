"""The web pages under load while the bot answers interactions.

The real bot (discord.py against the loopback stand-in, in its own process) serves its web
pages on loopback (SQLite, the example timetable, 40 sessions published). HTTP clients in
another process ask for the public page or the whole event's feed as fast as they are
answered, while attendees press interest buttons spread over each second (the interactions
the bot must answer within Discord's 3 seconds). Rows:

- page / feed: requests per second answered, with the presses' latency meanwhile;
- storm: many calendar apps polling the feed with If-None-Match (answered 304), and the
  presses' p99 meanwhile, against the same presses with no web load.

    python benchmarks/web.py                  # 10-second rows
    python benchmarks/web.py --seconds 20 --clients 50
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from button_presses import StandIn, pct  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.discord.bot import SchedulerBot  # noqa: E402
from bot.discord.proposals import post_session  # noqa: E402
from bot.event import EventService  # noqa: E402
from bot.event.models import Actor  # noqa: E402
from tests.e2e.fake_discord.server import point_discord_py_at  # noqa: E402

CODE = "ABCD2345"
SESSIONS = 40
PRESSERS = 50
EXAMPLE = ROOT / "data" / "examples" / "timetable.toml"
BIG_DAYS = """
[[days]]
date = 2026-07-0{d}
label = "Day {d}"
slots = [{slots}]
"""


async def seed(bot: SchedulerBot, guild: int, proposals_id: int, members: list[int]) -> str:
    """An event with SESSIONS posted and published, every member verified; the public key."""
    owner = Actor(1, "owner", is_admin=True)
    svc = bot.service
    await svc.setup_event(guild, owner, "Bench camp", timezone="Europe/Brussels")
    settings = await svc.update_settings(guild, owner, proposals_channel_id=proposals_id)
    slots = ", ".join(f'{{ start = "{h:02d}:00", end = "{h:02d}:45" }}' for h in range(9, 17))
    toml = EXAMPLE.read_text().split("[[days]]")[0] + "".join(
        BIG_DAYS.format(d=d, slots=slots) for d in (6, 7, 8))
    await svc.import_timetable_toml(guild, owner, toml)
    for i in range(SESSIONS):
        host = Actor(members[i % len(members)], f"Host {i}")
        await svc.verify(guild, host, CODE)
        s = await svc.propose(guild, host, f"Session {i}: a title of ordinary length",
                              "What it is about, in a sentence or two. " * 3)
        await post_session(bot, settings, s)
    for user_id in members:
        await svc.verify(guild, Actor(user_id, f"a{user_id}"), CODE)
    v = await svc.run_schedule(guild, owner, time_limit=2.0)
    await svc.publish(guild, owner, v.id, make_visible=True)
    return (await svc.web_link(guild, owner)).public_key


async def load(url: str, clients: int, seconds: float, conditional: bool) -> dict:
    args = [sys.executable, str(ROOT / "benchmarks" / "_web_load.py"), url, str(clients),
            str(seconds)] + (["--conditional"] if conditional else [])
    proc = await asyncio.create_subprocess_exec(*args, stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    return json.loads(out)


async def bench(seconds: float, clients: int, storm: int) -> list[tuple]:
    stand_in = StandIn(PRESSERS)
    info = stand_in.info
    point_discord_py_at(info["port"])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        config = load_settings(None, env={}, token=info["token"],
                               database=Path(tmp) / "bench.sqlite", guild_ids=[info["guild"]],
                               web={"enabled": True, "port": 0,
                                    "requests_per_minute": 100_000})
        service = await EventService.open(config.database, code_factory=lambda: CODE)
        bot = SchedulerBot(config, service, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(info["token"]))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            key = await seed(bot, info["guild"], info["proposals"], info["members"])
            ids = [s.id for s in await service.list_sessions(info["guild"],
                                                             Actor(1, "o", is_admin=True))]
            board = list(zip(ids, await stand_in.ask({"messages": True}), strict=True))
            page = bot.web.server.event_url(key)
            rounds = max(1, int(seconds / 1.2) - 1)  # presses spread over 1 s, 0.2 s apart

            async def presses() -> tuple[int, int, list[float]]:
                """(presses, answered within Discord's 3 s, latencies in ms)."""
                out = await stand_in.ask({"press": PRESSERS, "rounds": rounds,
                                          "board": board, "spread": 1.0})
                return (PRESSERS * rounds, out["answered"],
                        [x * 1000 for x in out["latencies"]])

            quiet = await presses()
            rows.append(("no web load", 0, None, quiet))
            for name, url, n, conditional in (
                    ("public page", page, clients, False),
                    ("whole-event feed", page + "/calendar.ics", clients, False),
                    ("feed polling storm (If-None-Match → 304)", page + "/calendar.ics",
                     storm, True)):
                web, ms = await asyncio.gather(load(url, n, seconds, conditional), presses())
                rows.append((name, n, web, ms))
        finally:
            await bot.close()
            await asyncio.gather(task, return_exceptions=True)
            stand_in.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=20, help="HTTP connections for page/feed")
    ap.add_argument("--storm", type=int, default=200, help="polling calendar apps")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = asyncio.run(bench(args.seconds, args.clients, args.storm))
    print(f"Web pages under load while {PRESSERS} attendees press interest buttons spread over "
          "each second (SQLite; HTTP clients and the Discord stand-in in their own processes)\n")
    print("| load | connections | requests/s | HTTP p50 ms | HTTP p99 ms | statuses "
          "| presses answered | press p50 ms | press p99 ms |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for name, n, web, (pressed, answered, ms) in rows:
        w = ("-", "-", "-", "-") if web is None else (
            f"{web['per_second']:,.0f}", f"{web['p50_ms']:.1f}", f"{web['p99_ms']:.1f}",
            " ".join(f"{k}×{v}" for k, v in sorted(web["statuses"].items())))
        print(f"| {name} | {n} | {w[0]} | {w[1]} | {w[2]} | {w[3]} | {answered}/{pressed} "
              f"| {statistics.median(ms):.1f} | {pct(ms, 99):.1f} |")


if __name__ == "__main__":
    main()
