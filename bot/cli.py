"""The ``session-scheduler`` console script.

Offers the engine's commands (solve, generate, bench) from `scheduler_core.cli`. Bot commands
are added in `add_bot_commands`, e.g. ``run``: register a subparser there with
``set_defaults(func=handler)``, where ``handler(args) -> int`` is the exit code.
"""

from __future__ import annotations

import argparse

from scheduler_core.cli import add_commands, dispatch


def add_bot_commands(subparsers) -> None:
    """Register the bot's own subcommands: `run` (bot.runner), `worker` (bot.worker), `status`
    (bot.status), `export-instance` (bot.export_instance)."""
    from bot.export_instance import add_export_instance_command
    from bot.runner import add_run_command
    from bot.status import add_status_command
    from bot.worker import add_worker_command

    add_run_command(subparsers)
    add_worker_command(subparsers)
    add_status_command(subparsers)
    add_export_instance_command(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="session-scheduler",
        description="A Discord bot for unconferences, with a CP-SAT timetable engine.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_bot_commands(sub)
    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    return dispatch(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
