"""The configuration and the runner stay free of Discord (docs/architecture.md): only bot/discord
talks to Discord (the timed jobs are checked with the other layers, tests/bot/test_layers.py)."""

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[3] / "bot"


@pytest.mark.parametrize("name", ["config.py", "runner.py"])
def test_no_discord_import(name):
    tree = ast.parse((BOT / name).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {x for x in names if x == "discord" or x.startswith(("discord.", "bot.discord."))
                if x != "bot.discord.bot"}
