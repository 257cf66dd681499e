"""How the bot's commands end: their exit codes, and the refusals they all share (a bad config,
a database too new for this version or out of reach), said one way by `command`."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

from bot.config import ConfigError
from bot.storage import DatabaseTooNew, DatabaseUnavailable, is_postgresql

EXIT_CONFIG = 2
EXIT_RUNNING = 3
EXIT_UNREACHABLE = 4


def refuse(message: object, code: int = EXIT_CONFIG) -> int:
    """Say why the command cannot go on, on standard error; its exit code."""
    print(f"session-scheduler: {message}", file=sys.stderr)
    return code


def missing_database(database: str) -> str | None:
    """Why a command that only reads cannot open `database`: a SQLite file that is not there
    (opening it would create an empty one, and a typo would read as "no event yet")."""
    if is_postgresql(database) or Path(database).is_file():
        return None
    return (f"{database}: no such database file (the bot creates it when it first starts; "
            "check `database` in config.toml, or DATABASE_URL).")


def command(handler: Callable[..., int]) -> Callable[..., int]:
    """A command's handler, its shared refusals turned into a sentence and an exit code."""
    @functools.wraps(handler)
    def run(args) -> int:
        try:
            return handler(args)
        except (ConfigError, DatabaseTooNew) as e:
            return refuse(e)
        except DatabaseUnavailable as e:
            return refuse(f"{e}\nCheck that the server runs and the URL (`database` in "
                          "config.toml, or DATABASE_URL) is right; nothing was lost.",
                          EXIT_UNREACHABLE)
    return run
