"""What the interest-press benchmarks share (button_presses.py, scale_out.py): the stand-in in a
process of its own (`_stand_in_process.py`), the events seeded with their posted sessions, and
one timed batch of presses."""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.discord.bot import SchedulerBot  # noqa: E402
from bot.discord.proposals import post_session  # noqa: E402
from bot.event.models import Actor  # noqa: E402

SESSIONS = 20
CODE = "ABCD2345"
Board = list[tuple[int, int]]  # (session id, message id) of each posted session


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s)) - 1))]


class StandIn:
    """The stand-in's process, driven over its stdin and stdout: one guild per shard of
    `shard_count`, each with `members` members."""

    def __init__(self, members: int, shard_count: int = 1):
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "_stand_in_process.py"), str(members),
             str(shard_count)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.info = self.read()
        self.guilds: list[dict] = self.info["guilds"]

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


async def seed(bot: SchedulerBot, stand_in: StandIn) -> dict[int, Board]:
    """In every guild of the stand-in: an event, SESSIONS posted with their buttons, every
    member verified in the database (as /verify does). Each guild's board."""
    owner = Actor(1, "owner", is_admin=True)
    svc = bot.service
    boards = {}
    for g in stand_in.guilds:
        guild = g["guild"]
        await svc.setup_event(guild, owner, "Bench")
        settings = await svc.update_settings(guild, owner, proposals_channel_id=g["proposals"])
        ids = []
        for i in range(SESSIONS):
            s = await svc.propose(guild, owner, f"Session {i}", "d")
            await post_session(bot, settings, s)
            ids.append(s.id)
        for user_id in g["members"]:
            await svc.verify(guild, Actor(user_id, f"a{user_id}"), CODE)
        messages = await stand_in.ask({"messages": guild})
        boards[guild] = list(zip(ids, messages, strict=True))
    return boards


@dataclass(frozen=True)
class Presses:
    presses: int
    answered: int
    seconds: float  # the rounds' wall time
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return pct(self.latencies_ms, 99)


async def press(stand_in: StandIn, boards: dict[int, Board], n: int, rounds: int,
                spread: float) -> Presses:
    """`rounds` rounds in which `n` members of every guild press a button on its board."""
    out = await stand_in.ask({"press": n, "rounds": rounds, "spread": spread,
                              "boards": {str(g): b for g, b in boards.items()}})
    return Presses(n * len(boards) * rounds, out["answered"], out["seconds"],
                   [x * 1000 for x in out["latencies"]])
