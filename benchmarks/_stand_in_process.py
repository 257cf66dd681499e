"""The Discord stand-in in its own process, for `button_presses.py`: on a real deployment
Discord is on another machine, so its work must not share the bot's event loop.

Protocol (JSON lines): prints {"port", "token", "guild", "proposals", "members"}; then reads
commands from stdin: {"messages": true} → the ids of the messages in the proposals channel;
{"press": N, "rounds": R, "spread": S, "board": [[session, message]]} → {"latencies": [...],
"answered": k} (seconds from each INTERACTION_CREATE to its callback's arrival, for the answered
presses); {"quit": true} ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
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


async def press_rounds(fake: FakeDiscord, board: list[tuple[int, int]], people: list,
                       rounds: int, spread: float) -> tuple[list[float], int]:
    """`rounds` rounds in which every one of `people` presses an interest button on the board
    ((session, message) pairs), at once or spread at random over `spread` seconds. Seconds to
    each answered press's callback, and how many were answered once and rightly."""
    rng = random.Random(len(board))
    latencies: list[float] = []
    answered = 0
    for r in range(rounds):
        presses = await asyncio.gather(*(
            _press(fake, board[(i + r) % len(board)], (25, 75, 100)[i % 3], m,
                   rng.uniform(0, spread))
            for i, m in enumerate(people)))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ROUND_TIMEOUT):  # one timer for the round
                for p in presses:
                    await p.responded.wait()
        good = [p for p in presses if p.callback is not None and not p.rejected_callbacks
                and "” is now **" in (p.callback.content or "")]
        answered += len(good)
        latencies += [p.latency for p in good]
        await asyncio.sleep(0.2)
    return latencies, answered


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
            latencies, answered = await press_rounds(
                fake, board, people[:cmd["press"]], cmd["rounds"], float(cmd["spread"]))
            print(json.dumps({"latencies": latencies, "answered": answered}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
