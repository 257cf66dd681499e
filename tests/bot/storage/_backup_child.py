"""Child process for the killed-backup test: backs up DB_PATH to TARGET, saying when it starts.

Usage: python -m tests.bot.storage._backup_child DB_PATH TARGET
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.storage import open_database


async def main(path: str, target: str) -> None:
    db = await open_database(path)
    os.write(1, b"backing up\n")
    await db.backup(Path(target))
    os.write(1, b"done\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
