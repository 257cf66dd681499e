"""The Discord stand-in in its own process, for benchmarks: on a real deployment Discord is on
another machine, so its work must not share the bot's event loop.

Protocol (JSON lines): prints {"port", "token", "guild", "proposals", "members"}; then reads
commands from stdin: {"press": N, "rounds": R, "spread": S, "board": [[session, message]]} → prints
{"latencies": [...], "handled": [...], "bad": k, "cpu": s} (seconds to each callback's arrival,
and to the stand-in handling it; the stand-in's CPU time for the rounds); {"quit": true} ends.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.fake_discord import FakeDiscord  # noqa: E402


async def _press(fake: FakeDiscord, target: tuple[int, int], level: int, member,
                 delay: float):
    if delay:
        await asyncio.sleep(delay)
    session, message = target
    return await fake.click(f"interest:{session}:{level}", message=message, user=member)


async def press_rounds(fake: FakeDiscord, board: list[tuple[int, int]], people: list,
                       rounds: int, spread: float = 0.0
                       ) -> tuple[list[float], list[float], int]:
    """`rounds` rounds in which every one of `people` presses an interest button on the board
    ((session, message) pairs), at once or spread at random over `spread` seconds. Seconds to
    each callback's arrival and to its handling, and how many answers were wrong."""
    rng = random.Random(len(board))
    latencies: list[float] = []
    handled: list[float] = []
    bad = 0
    for r in range(rounds):
        presses = await asyncio.gather(*(
            _press(fake, board[(i + r) % len(board)], (25, 75, 100)[i % 3], m,
                   rng.uniform(0, spread))
            for i, m in enumerate(people)))
        async with asyncio.timeout(30):  # one timer for the round, not one per press
            for p in presses:
                await p.responded.wait()
        bad += sum(1 for p in presses if p.rejected_callbacks
                   or "” is now **" not in (p.callback.content or ""))
        latencies += [p.latency for p in presses]
        handled += [p.handled_latency for p in presses]
        await asyncio.sleep(0.2)
    return latencies, handled, bad


async def main(members: int) -> None:
    async with FakeDiscord() as fake:
        proposals = fake.add_channel("proposals")
        people = [fake.add_member(f"a{i}") for i in range(members)]
        print(json.dumps({"port": fake.port, "token": fake.token, "guild": fake.guild.id,
                          "proposals": proposals.id, "members": [m.id for m in people]}),
              flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            cmd = json.loads(line)
            if cmd.get("quit"):
                return
            if cmd.get("messages"):
                print(json.dumps([int(m["id"]) for m in fake.messages_in(proposals)]),
                      flush=True)
                continue
            board = [(int(s), int(m)) for s, m in cmd["board"]]
            cpu = time.process_time()
            latencies, handled, bad = await press_rounds(
                fake, board, people[:cmd["press"]], cmd["rounds"], float(cmd.get("spread", 0)))
            print(json.dumps({"latencies": latencies, "handled": handled, "bad": bad,
                              "cpu": time.process_time() - cpu}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
