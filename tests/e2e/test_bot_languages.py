"""Languages through the real bot and the stand-in: the commands synced with their German
localisations (checked by the stand-in as Discord checks them), and /verify answering each
person in their client's language while word to the organisers follows the server's."""

from __future__ import annotations

from typing import Any

from bot.event.codes import SERVER_MAX_FAILURES
from tests.e2e.bot_harness import CODE, answer, make_bot
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.commands import localized
from tests.e2e.test_bot_event import setup_event

PLACEHOLDER = "…"  # discord.py's description of an option without one: nothing to translate


def nodes(command: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every command, subcommand and option of a stored command, with its path."""
    here = f"{path} {command['name']}".strip()
    found = [(here, command)]
    for option in command.get("options") or []:
        found += nodes(option, here)
    return found


def stored(fake: FakeDiscord, path: str) -> dict[str, Any]:
    top, *rest = path.split()
    for where, node in nodes(next(c for c in fake.state.commands[fake.guild.id]
                                  if c["name"] == top)):
        if where == path:
            return node
    raise AssertionError(f"/{path} is not synced")


async def test_every_command_is_synced_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    """Every name and description a German client shows is German (or the same word), and
    English clients see the defaults."""
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    assert localized(stored(fake, "verify"), "de") == "verifizieren"
    assert localized(stored(fake, "verify"), "de", "description") == (
        "Gib den Code des Events ein, um teilzunehmen")
    assert localized(stored(fake, "verify"), "en-GB") == "verify"
    assert localized(stored(fake, "admin code rotate"), "de") == "erneuern"
    assert localized(stored(fake, "admin"), "de") == "orga"
    level = stored(fake, "interest level")
    assert [localized(c, "de") for c in level["choices"]] == ["gar nicht", "ein wenig", "ja",
                                                              "sehr"]
    # every description has its German (a name may be the same word in both: "code")
    untranslated = [path for command in fake.state.commands[fake.guild.id]
                    for path, node in nodes(command)
                    if node.get("description") not in (None, PLACEHOLDER)
                    and "de" not in (node.get("description_localizations") or {})]
    assert untranslated == []
    assert fake.state.commands[fake.guild.id][0]["name_localizations"].keys() == {"de"}


async def test_verify_answers_in_the_readers_language(fake_discord: FakeDiscord,
                                                      tmp_path) -> None:
    """A German client gets German, an English one English, from the same bot at once:
    a wrong code, the limit reached (a refusal through the error handler), the right code."""
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    await setup_event(fake)
    german = fake.add_member("german")
    german.user.locale = "de"

    cb = await answer(fake, "verify", {"code": "NOPE2345"}, user=german)
    assert cb.ephemeral
    assert cb.content == ("Dieser Code stimmt nicht. Noch 4 Versuche vor einer Pause von 10 "
                          "Minuten.")
    cb = await answer(fake, "verify", {"code": "NOPE2345"}, user=fake.member)
    assert cb.content == "That code is not right. 4 more attempts before a 10-minute pause."
    for _ in range(3):
        cb = await answer(fake, "verify", {"code": "NOPE2345"}, user=german)
    assert cb.content == ("Dieser Code stimmt nicht. Noch 1 Versuch vor einer Pause von 10 "
                          "Minuten.")
    cb = await answer(fake, "verify", {"code": "NOPE2345"}, user=german)
    assert cb.content == ("Dieser Code stimmt nicht. Keine Versuche mehr übrig: Versuch es in "
                          "10 Minuten wieder.")
    cb = await answer(fake, "verify", {"code": CODE}, user=german)
    assert cb.ephemeral and cb.content == "Zu viele falsche Codes. Versuch es in 10 Minuten wieder."

    ix = await fake.slash("verify", {"code": CODE}, user=fake.member, locale="de")
    cb = await fake.wait_for_response(ix.id)
    assert cb.content == "Du bist verifiziert! Du bekommst die Rolle Attendee …"
    done = await fake.wait_until(lambda: [s for s in fake.responses(ix.id)
                                          if "jetzt" in (s.content or "")], what="the role")
    assert done[-1].content == "Du bist verifiziert! Du hast jetzt die Rolle Attendee."


async def test_word_to_the_organisers_follows_the_servers_language(fake_discord: FakeDiscord,
                                                                  tmp_path) -> None:
    """A German server, guessers with English clients: each guesser is answered in English,
    the owner is told in German, with the German name of the command to use."""
    from tests.e2e.personal_harness import dms
    fake = fake_discord
    fake.guild.locale = "de"
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    await setup_event(fake)
    for i in range(SERVER_MAX_FAILURES):
        cb = await answer(fake, "verify", {"code": f"NOPE{i:04d}"},
                          user=fake.add_member(f"guesser {i}"))
        assert cb.content.startswith("That code is not right.")
    told = await fake.wait_until(lambda: dms(fake, fake.owner), what="the owner's notice")
    assert told[0].startswith("⚠️ Auf diesem Server wurden innerhalb von 10 Minuten 50 falsche "
                              "Verifizierungscodes")
    assert "/orga code erneuern" in told[0]
