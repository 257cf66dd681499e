"""The raw INTERACTION_CREATE parser `presses.install` puts in front of discord.py's: interest
presses are taken, everything else (and anything malformed) reaches discord.py's parser.
discord.py's parser table is stood in for by a dict with a recording parser; the real table is
exercised end to end in tests/e2e/test_bot_interest_buttons.py."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

from bot.discord import presses


def _press(custom_id: str = "interest:9:100", **member) -> dict:
    return {"id": "11", "token": "tok", "type": 3, "guild_id": "7",
            "data": {"custom_id": custom_id, "component_type": 2},
            "member": {"user": {"id": "5", "username": "ada"}, "roles": [],
                       "permissions": "0", **member}}


class Bot:
    """What `answer` uses of the bot: the gate settings, the rules, the callback pool."""

    def __init__(self):
        self.passed_on: list[dict] = []
        self._connection = SimpleNamespace(
            parsers={"INTERACTION_CREATE": self.passed_on.append, "READY": print})
        self.saved: list[tuple] = []
        self.replies: list[tuple] = []
        self.callbacks = SimpleNamespace(reply_private=self._reply)
        self.service = SimpleNamespace(set_interest=self._set_interest)

    async def gate_settings(self, guild_id):
        return SimpleNamespace(verification_required=False, verified_role_id=None)

    async def _set_interest(self, guild_id, actor, session_id, level):
        self.saved.append((guild_id, actor.user_id, session_id, level))
        return SimpleNamespace(title="Talk", level=level)

    async def _reply(self, interaction_id, token, text):
        self.replies.append((interaction_id, token, text))


async def test_presses_are_taken_and_the_rest_passed_on() -> None:
    bot = Bot()
    assert presses.install(bot)
    parse = bot._connection.parsers["INTERACTION_CREATE"]
    command = {"id": "12", "token": "t", "type": 2, "data": {"name": "sessions"}}
    parse(command)
    parse(_press())
    await asyncio.sleep(0.05)
    assert bot.passed_on == [command]
    assert bot.saved == [(7, 5, 9, 100)]
    assert bot.replies == [(11, "tok", "Your interest in “Talk” is now **very**.")]


async def test_a_malformed_press_is_logged_and_passed_on(caplog) -> None:
    bot = Bot()
    presses.install(bot)
    bad = _press(permissions="lots")
    with caplog.at_level(logging.ERROR):
        bot._connection.parsers["INTERACTION_CREATE"](bad)
    assert bot.passed_on == [bad] and not bot.saved
    assert "unexpected INTERACTION_CREATE payload" in caplog.text


def test_without_the_parser_table_presses_take_discord_pys_path(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert presses.install(SimpleNamespace()) is False
    assert "slower path" in caplog.text
