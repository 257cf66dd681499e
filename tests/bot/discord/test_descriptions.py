"""Every command and every option says what it is for (Discord shows "…" for an option
without a description), within Discord's limits; and the help names only commands that exist."""

from __future__ import annotations

import ast
import re

import pytest
from discord import app_commands

from bot.discord import help, setup_checks
from bot.discord.commands import COMMANDS

LEAVES = [c for top in COMMANDS
          for c in ([top] if isinstance(top, app_commands.Command) else top.walk_commands())
          if isinstance(c, app_commands.Command)]
NAMES = {c.qualified_name for c in LEAVES}


def test_the_tree_is_walked() -> None:
    assert {"help", "admin setup", "admin schedule preview", "remind on"} <= NAMES


@pytest.mark.parametrize("command", LEAVES, ids=lambda c: c.qualified_name)
def test_every_command_and_option_has_a_description(command: app_commands.Command) -> None:
    assert 1 <= len(command.description) <= 100 and command.description != "…"
    for p in command.parameters:
        assert p.description and p.description != "…", \
            f"/{command.qualified_name} {p.name}: no description (app_commands.describe)"
        assert len(p.description) <= 100, f"/{command.qualified_name} {p.name}: too long"


def test_groups_have_descriptions() -> None:
    groups = [g for top in COMMANDS if isinstance(top, app_commands.Group)
              for g in (top, *top.walk_commands()) if isinstance(g, app_commands.Group)]
    assert groups and all(1 <= len(g.description) <= 100 for g in groups)


def _mentions(text: str) -> list[str]:
    """The commands a text names: "/admin code required on:False" → "admin code required"."""
    found = []
    for m in re.finditer(r"(?<![\w<#&@])/([a-z][\w-]*(?: [a-z][\w-]*)*)", text):
        words = m.group(1).split(" ")
        named = next((" ".join(words[:n]) for n in range(len(words), 0, -1)
                      if " ".join(words[:n]) in NAMES), None)
        found.append(named or m.group(1))
    return found


def test_the_help_and_the_welcome_name_only_commands_that_exist() -> None:
    texts = [*help.ORGANISER_STEPS, help.WELCOME, help.ORGANISER_ONLY,
             *help.attendee_steps(None)]
    mentions = [m for t in texts for m in _mentions(t)]
    assert "admin schedule preview" in mentions and "verify" not in mentions
    assert [m for m in mentions if m not in NAMES] == []


def test_the_german_help_names_commands_as_a_german_client_shows_them() -> None:
    """The help and the welcome in German, with every step (a channel, verification, the web
    pages): each command they name is one a German client lists."""
    from bot.discord.languages import NAME_CONTEXT
    from bot.event.models import EventSettings
    from bot.i18n import language
    de = language("de")
    german = {" ".join(de.pgettext(NAME_CONTEXT, w) for w in n.split()): n for n in NAMES}
    settings = EventSettings(1, "Camp", "UTC", True, True, True, False, 2, 3, None, None, None,
                             None)
    texts = [*help.organiser_steps(de), help.welcome_message(de),
             de.text(help.ORGANISER_ONLY_TEXT), *help.attendee_steps(None, de),
             *help.attendee_steps(settings, de, web=True)]
    found = []
    for text in texts:
        for m in re.finditer(r"(?<![\w<#&@])/([a-zäöü][\w-]*(?: [a-zäöü][\w-]*)*)", text):
            words = m.group(1).split(" ")
            found.append(next((" ".join(words[:n]) for n in range(len(words), 0, -1)
                               if " ".join(words[:n]) in german), m.group(1)))
    assert "orga zeitplan vorschau" in found and "mein-zeitplan" in found
    assert [m for m in found if m not in german] == []


def test_the_setup_checks_name_only_commands_that_exist() -> None:
    """Every text the checks can show, as the parser joins its pieces."""
    with open(setup_checks.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    texts = [n.value for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    mentions = [m for t in texts for m in _mentions(t)]
    assert "admin events" in mentions and [m for m in mentions if m not in NAMES] == []
