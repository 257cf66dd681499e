"""Child process for the crash test: writes forever, printing one line per acknowledged write.

Usage: python -m tests.bot.storage._writer_child DATABASE SESSION_ID  (a SQLite path or a URL)
An acknowledgement is printed only after the rules call returned, i.e. after COMMIT.
"""

from __future__ import annotations

import asyncio
import os
import sys

from bot.event import Actor, EventService

GUILD = 1001


async def main(path: str, session_id: int) -> None:
    svc = await EventService.open(path)
    counter = iter(range(10**9))

    async def writer() -> None:
        while True:
            n = next(counter)
            user = 100_000 + n
            level = (25, 75, 100)[n % 3]
            await svc.set_interest(GUILD, Actor(user, f"u{n}"), session_id, level)
            os.write(1, f"{user} {level}\n".encode())

    os.write(1, b"ready\n")
    await asyncio.gather(*(writer() for _ in range(16)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
