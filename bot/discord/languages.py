"""Languages in Discord: the command tree in every language with a catalog, and which
language a reply speaks.

Discord shows each person the commands in their client's language from the localisations
sent at sync (`CatalogTranslator`, installed in `SchedulerBot.setup_hook`); names follow
Discord's naming rules, so they live in the catalog under the context `command name`. A reply
speaks its reader's language (`interaction.locale`); what the whole server reads, posts in its
channels and word to its organisers, speaks the server's (`guild_locale`, `preferred_locale`):
`language_for` decides both.

Run `python3 -m bot.discord.languages` after adding or changing a text or a command: it
rewrites the template (`bot/i18n/locale/bot.pot`) and adds what is new to each language's
`.po`, for a translator to fill (docs/architecture.md, "Languages").
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot import i18n
from bot.i18n import catalogs

NAME_CONTEXT = "command name"
NAMES = (Where.command_name, Where.group_name, Where.parameter_name)
PLACEHOLDER = "…"  # discord.py's description of an option that has none: nothing to translate


class CatalogTranslator(app_commands.Translator):
    """Every command, group and option name and description and every choice name, from the
    catalog of the locale's language; None (Discord shows the English) where there is none."""

    async def load(self) -> None:
        catalogs.load_all()  # a catalog that cannot be read stops the start, not a sync

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        language = i18n.language(locale.value)
        if language.code == i18n.SOURCE:
            return None
        message = string.message
        if context.location in NAMES:
            text = language.pgettext(NAME_CONTEXT, message)
        else:
            text = language.gettext(message)
        return None if text == message else text


def language_for(where: discord.Interaction | discord.Guild | None, *,
                 public: bool = False) -> i18n.Language:
    """The language to answer in. An interaction: its reader's (private replies), or with
    `public` the server's (what the server reads: channel posts, word to the organisers).
    A guild: the server's (posts made outside any interaction). None: English."""
    if isinstance(where, discord.Guild):
        return i18n.language(where.preferred_locale.value)
    if where is None:
        return i18n.ENGLISH
    if public:
        locale = where.guild_locale or (where.guild.preferred_locale if where.guild else None)
        if locale is not None:
            return i18n.language(locale.value)
    return i18n.language(where.locale.value)


# ------------------------------------------------------------------ the command tree's texts

@dataclass(frozen=True)
class TreeText:
    """A text of the command tree as discord.py sends it to the translator."""

    message: str
    context: str | None  # NAME_CONTEXT for names
    where: str  # "/admin code set: option name"
    module: str  # the module that defines it: "bot.discord.verification"


class _Recorder(app_commands.Translator):
    """Notes what a sync asks to translate (for one locale: it asks the same for each)."""

    def __init__(self) -> None:
        self.option = ""  # the last option named: its choices come next
        self.module = ""
        self.found: list[TreeText] = []

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        if locale is not discord.Locale.german or string.message == PLACEHOLDER:
            return None
        data, loc = context.data, context.location
        if loc in (Where.parameter_name, Where.parameter_description):
            path, module = f"/{data.command.qualified_name} {data.name}", data.command.module
            self.option = path
            self.module = module
        elif loc is Where.choice_name:
            path, module = self.option, self.module
        else:
            path, module = f"/{data.qualified_name}", data.module
        kind = loc.name.replace("_", " ").replace("parameter", "option").replace("group", "command")
        self.found.append(TreeText(string.message, NAME_CONTEXT if loc in NAMES else None,
                                   f"{path}: {kind}", module or ""))
        return None


async def _tree_texts(commands: Iterable[app_commands.Command | app_commands.Group]
                      ) -> list[TreeText]:
    client = discord.Client(intents=discord.Intents(guilds=True))  # never connected
    tree = app_commands.CommandTree(client)
    recorder = _Recorder()
    for command in commands:
        await command.get_translated_payload(tree, recorder)
    return recorder.found


def tree_texts(commands: Iterable[app_commands.Command | app_commands.Group] | None = None
               ) -> list[TreeText]:
    """Every text a sync of `commands` (the bot's, by default) asks to translate, in order."""
    if commands is None:
        from bot.discord.commands import COMMANDS
        commands = COMMANDS
    return asyncio.run(_tree_texts(list(commands)))


def template() -> catalogs.Catalog:
    """The template of every text: the code's and the command tree's."""
    return catalogs.template(
        catalogs.Entry(t.message, t.context, t.module.replace(".", "/") + ".py", t.where)
        for t in tree_texts())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m bot.discord.languages",
        description="Rewrite the catalogs' template from the code and the command tree, and "
                    "bring each language's .po up to date (new texts empty, gone ones dropped).")
    parser.add_argument("--add", metavar="LANG",
                        help="start a catalog for a new language (a Babel locale: fr, pt_BR)")
    args = parser.parse_args(argv)
    found = template()
    catalogs.write(found, add=args.add)
    missing = catalogs.problems(found)
    for line in missing:
        print(line)
    print(f"{len(found)} texts; {len(missing)} to translate or fix.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
