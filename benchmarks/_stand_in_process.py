"""The Discord stand-in in its own process, for the press benchmarks (`_presses.py`): on a real
deployment Discord is on another machine, so its work must not share the bot's event loop.

    python benchmarks/_stand_in_process.py MEMBERS [SHARD_COUNT]

One guild per shard of SHARD_COUNT (default 1), each with a proposals channel and MEMBERS
members. Protocol (JSON lines): prints {"port", "token", "guilds": [{"guild", "shard",
"proposals", "members"}]}; then reads commands from stdin:
{"messages": GUILD} → the ids of the messages in that guild's proposals channel;
{"press": N, "rounds": R, "spread": S, "boards": {GUILD: [[session, message]]}} → {"latencies":
[...], "answered": k, "seconds": t} (seconds from each INTERACTION_CREATE to its callback's
arrival, for the answered presses; t: the rounds' wall time, first press to last answer);
{"sessions": true} → [[shard, live]] of every gateway session so far, in order;
{"quit": true} ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.fake_discord import FakeDiscord  # noqa: E402

ROUND_TIMEOUT = 30.0  # seconds; a press not answered by then counts as unanswered


async def _press(fake: FakeDiscord, target: tuple[int, int], level: int, member,
                 delay: float):
    if delay:
        await asyncio.sleep(delay)
    session, message = target
    return await fake.click(f"interest:{session}:{level}", message=message, user=member)


async def press_rounds(fake: FakeDiscord, boards: list[tuple[list[tuple[int, int]], list]],
                       rounds: int, spread: float) -> tuple[list[float], int, float]:
    """`rounds` rounds in which the people of every (board, people) pair press an interest
    button on their board ((session, message) pairs), at once or spread at random over
    `spread` seconds. Seconds to each answered press's callback, how many were answered once
    and rightly, and the rounds' wall time."""
    rng = random.Random(len(boards))
    latencies: list[float] = []
    answered = 0
    seconds = 0.0
    for r in range(rounds):
        started = time.perf_counter()
        presses = await asyncio.gather(*(
            _press(fake, board[(i + r) % len(board)], (25, 75, 100)[i % 3], m,
                   rng.uniform(0, spread))
            for board, people in boards for i, m in enumerate(people)))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ROUND_TIMEOUT):  # one timer for the round
                for p in presses:
                    await p.responded.wait()
        seconds += time.perf_counter() - started
        good = [p for p in presses if p.callback is not None and not p.rejected_callbacks
                and "” is now **" in (p.callback.content or "")]
        answered += len(good)
        latencies += [p.latency for p in good]
        await asyncio.sleep(0.2)
    return latencies, answered, seconds


async def main(members: int, shard_count: int) -> None:
    async with FakeDiscord() as fake:
        first = fake.seeded[fake.guild.id]
        first_shard = (fake.guild.id >> 22) % shard_count
        seeded = [first, *(fake.add_guild(f"Camp {s}", shard=(s, shard_count))
                           for s in range(shard_count) if s != first_shard)]
        guilds = {}
        for at in seeded:
            proposals = fake.add_channel("proposals", guild=at.guild)
            people = [fake.add_member(f"a{i}", guild=at.guild) for i in range(members)]
            guilds[at.guild.id] = (proposals, people)
        print(json.dumps({"port": fake.port, "token": fake.token, "guilds": [
            {"guild": g, "shard": (g >> 22) % shard_count, "proposals": p.id,
             "members": [m.id for m in people]} for g, (p, people) in guilds.items()]}),
              flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            cmd = json.loads(line)
            if cmd.get("quit"):
                return
            if "messages" in cmd:
                proposals = guilds[int(cmd["messages"])][0]
                print(json.dumps([int(m["id"]) for m in fake.messages_in(proposals)]),
                      flush=True)
            elif "sessions" in cmd:
                print(json.dumps([[s.shard_id, s.live] for s in fake.sessions]), flush=True)
            else:
                boards = [([(int(s), int(m)) for s, m in board],
                           guilds[int(g)][1][:cmd["press"]])
                          for g, board in cmd["boards"].items()]
                latencies, answered, seconds = await press_rounds(
                    fake, boards, cmd["rounds"], float(cmd["spread"]))
                print(json.dumps({"latencies": latencies, "answered": answered,
                                  "seconds": seconds}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1))
