"""The catalogs against the code and the command tree: every text translated in every
language, nothing translated that is gone, and German command names Discord accepts.

When this fails after a new command or text: run `python3 -m bot.discord.languages`, then fill
the empty `msgstr` it lists in each `bot/i18n/locale/<lang>/LC_MESSAGES/bot.po`."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.app_commands import TranslationContext
from discord.app_commands import TranslationContextLocation as Where

from bot.discord.commands import COMMANDS
from bot.discord.languages import NAME_CONTEXT, CatalogTranslator, template, tree_texts
from bot.i18n import catalogs, language
from tests.e2e.fake_discord.commands import validate_command


def test_every_text_has_its_translation_in_every_language() -> None:
    todo = catalogs.problems(template())
    assert not todo, ("texts to translate (run python3 -m bot.discord.languages, then fill "
                      "the empty msgstr):\n" + "\n".join(todo))


def test_the_tree_texts_name_where_they_are() -> None:
    found = {(t.message, t.context, t.where, t.module) for t in tree_texts()}
    assert ("verify", NAME_CONTEXT, "/verify: command name", "bot.discord.verification") in found
    assert ("a little", None, "/interest level: choice name", "bot.discord.interest") in found
    assert ("code", NAME_CONTEXT, "/admin code set code: option name",
            "bot.discord.verification") in found
    assert not [t for t in found if t[0] == "…"]  # an option without a description


async def test_the_translator_answers_from_the_catalog() -> None:
    translator = CatalogTranslator()
    await translator.load()
    name = TranslationContext(Where.command_name, None)
    description = TranslationContext(Where.command_description, None)
    choice = TranslationContext(Where.choice_name, None)
    ask = translator.translate
    assert await ask(app_commands.locale_str("verify"), discord.Locale.german, name) == (
        "verifizieren")
    assert await ask(app_commands.locale_str("very"), discord.Locale.german, choice) == "sehr"
    assert await ask(app_commands.locale_str("verify"), discord.Locale.american_english,
                     name) is None
    assert await ask(app_commands.locale_str("verify"), discord.Locale.french, name) is None
    assert await ask(app_commands.locale_str("code"), discord.Locale.german, name) is None
    assert await ask(app_commands.locale_str("…"), discord.Locale.german, description) is None


async def test_the_german_command_tree_passes_discords_checks() -> None:
    """Names lowercase and within Discord's pattern and 32 characters, descriptions and
    choices within 100, localised option names distinct: what Discord refuses at sync."""
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents(guilds=True)))
    translator = CatalogTranslator()
    for index, command in enumerate(COMMANDS):
        payload = await command.get_translated_payload(tree, translator)
        validate_command(payload, index)


def _paths() -> list[str]:
    paths = []
    for command in COMMANDS:
        paths.append(command.qualified_name)
        if isinstance(command, app_commands.Group):
            paths += [c.qualified_name for c in command.walk_commands()]
    return sorted(paths, key=len, reverse=True)


def test_texts_name_commands_as_the_readers_client_shows_them() -> None:
    """A German text that tells the reader to run /admin code rotate says /orga code erneuern:
    the name their client shows."""
    paths = _paths()
    checked = 0
    for code in sorted(catalogs.languages()):
        lang = language(code)
        german = {p: " ".join(lang.pgettext(NAME_CONTEXT, part) for part in p.split())
                  for p in paths}
        for m in catalogs.read(code):
            if not m.id or m.context == NAME_CONTEXT:
                continue
            english = m.id if isinstance(m.id, str) else " ".join(m.id)
            forms = [m.string] if isinstance(m.string, str) else list(m.string)
            for path in paths:
                if re.search(rf"/{re.escape(path)}(?![\w-])", english):
                    for form in forms:
                        assert f"/{german[path]}" in form, (code, path, form)
                    checked += 1
                    english = english.replace(f"/{path}", "")  # not again as /admin code
    assert checked >= 2  # the guessing notice and the code too easy to guess, at least
