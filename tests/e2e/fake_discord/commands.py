"""The checks Discord makes when a bot syncs its application commands (Bulk Overwrite), with
their localisations, as Discord's docs state them (Application Commands: "Application Command
Naming", the command, option and choice structures, "Localization"; Reference: "Locales").

`validate_command` raises the 400 Discord answers; `stored_command` is the command as Discord
keeps it: localised values identical to the default are dropped ("will be ignored").
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .messages import DiscordError, invalid

#: Reference, "Locales": the keys a localisation dictionary may have.
LOCALES = frozenset({
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi",
    "th", "zh-CN", "ja", "zh-TW", "ko",
})
CHAT_INPUT = 1
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
NAME_MAX = 32
TEXT_MAX = 100  # descriptions and choice names
TAKEN = "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"
_SCRIPTS = ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x11B00, 0x11B5F),  # Devanagari
            (0x0E00, 0x0E7F))  # Thai


def _name_char(ch: str) -> bool:
    """One character of ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``."""
    if ch in "-_'" or unicodedata.category(ch)[0] in "LN":
        return True
    return any(lo <= ord(ch) <= hi for lo, hi in _SCRIPTS)


def name_problem(name: object) -> str | None:
    """Why a CHAT_INPUT command or option name (or a localised one) is refused; None if fine.
    Letters with a lowercase variant must be in lowercase."""
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_MAX:
        return f"Must be between 1 and {NAME_MAX} in length."
    if not all(_name_char(ch) for ch in name):
        return f"Command name is invalid: {name!r} (letters, digits, - _ ' only)"
    if any(ch.lower() != ch for ch in name):
        return f"Command name is invalid: {name!r} (use the lowercase letters)"
    return None


def _bad(reason: str, path: str, code: str = "BASE_TYPE_INVALID") -> DiscordError:
    return invalid(reason, path, code)


def _check_text(text: object, path: str, limit: int = TEXT_MAX) -> None:
    if not isinstance(text, str) or not 1 <= len(text) <= limit:
        raise _bad(f"Must be between 1 and {limit} in length.", path, "BASE_TYPE_BAD_LENGTH")


def _check_localizations(node: dict[str, Any], field: str, path: str, *, names: bool,
                         limit: int = TEXT_MAX) -> None:
    found = node.get(field)
    if found is None:
        return
    if not isinstance(found, dict):
        raise _bad("Must be a dictionary of locales.", f"{path}.{field}", "DICT_TYPE_CONVERT")
    for locale, value in found.items():
        where = f"{path}.{field}.{locale}"
        if locale not in LOCALES:
            raise _bad(f'Value "{locale}" is not a valid enum value.', where,
                       "ENUM_TYPE_COERCE")
        if value is None:
            continue
        if names:
            if (problem := name_problem(value)) is not None:
                raise _bad(problem, where, "APPLICATION_COMMAND_INVALID_NAME")
        else:
            _check_text(value, where, limit)


def _localized(node: dict[str, Any], locale: str) -> str:
    return ((node.get("name_localizations") or {}).get(locale)) or node["name"]


def _check_option_names(options: list[dict[str, Any]], path: str) -> None:
    """Names are unique among siblings; a localised one differs from every other option's
    default name and from every other option's name in that locale."""
    defaults = [o.get("name") for o in options]
    if len(set(defaults)) != len(defaults):
        raise _bad("Option names must be unique.", path, TAKEN)
    for i, option in enumerate(options):
        for locale, value in (option.get("name_localizations") or {}).items():
            if value is None:
                continue
            others = [o for j, o in enumerate(options) if j != i]
            if value in {o["name"] for o in others} or value in {_localized(o, locale)
                                                               for o in others}:
                raise _bad(f"Localized name {value!r} ({locale}) is already used by another "
                           "option of this command.", f"{path}.{i}.name_localizations.{locale}",
                           TAKEN)


def _check_options(options: list[dict[str, Any]], path: str, label: str) -> None:
    if len(options) > 25:
        raise invalid(f"{label}: more than 25 options")
    _check_option_names(options, path)
    seen_optional = False
    for i, option in enumerate(options):
        where, name = f"{path}.{i}", f"{label} {option.get('name')}"
        if (problem := name_problem(option.get("name"))) is not None:
            raise _bad(problem, f"{where}.name", "APPLICATION_COMMAND_INVALID_NAME")
        if not 1 <= len(option.get("description") or "") <= TEXT_MAX:
            raise invalid(f"{name}: description must be 1..100 chars", f"{where}.description",
                          "BASE_TYPE_BAD_LENGTH")
        _check_localizations(option, "name_localizations", where, names=True)
        _check_localizations(option, "description_localizations", where, names=False)
        if option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _check_options(option.get("options") or [], f"{where}.options", name)
            continue
        if option.get("required"):
            if seen_optional:
                raise invalid(f"{name}: required options must come before optional ones")
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            raise invalid(f"{name}: more than 25 choices")
        if choices and option.get("autocomplete"):
            raise invalid(f"{name}: choices and autocomplete are exclusive")
        for k, choice in enumerate(choices):
            _check_text(choice.get("name"), f"{where}.choices.{k}.name")
            _check_localizations(choice, "name_localizations", f"{where}.choices.{k}",
                                 names=False)


def validate_command(command: dict[str, Any], index: int = 0) -> None:
    """What Discord refuses in one command of a sync (the checks a bot can realistically
    trip), at its place in the body (`index`)."""
    path = str(index)
    name = command.get("name") or ""
    kind = command.get("type", CHAT_INPUT)
    if kind == CHAT_INPUT:
        if (problem := name_problem(name)) is not None:
            raise invalid(f"command name {name!r}: {problem}", f"{path}.name",
                          "APPLICATION_COMMAND_INVALID_NAME")
        if not 1 <= len(command.get("description") or "") <= TEXT_MAX:
            raise invalid(f"/{name}: description must be 1..100 chars", f"{path}.description",
                          "BASE_TYPE_BAD_LENGTH")
        _check_localizations(command, "name_localizations", path, names=True)
        _check_localizations(command, "description_localizations", path, names=False)
    _check_options(command.get("options") or [], f"{path}.options", f"/{name}")


def _without_defaults(node: dict[str, Any]) -> dict[str, Any]:
    kept = dict(node)
    for field, default in (("name_localizations", node.get("name")),
                           ("description_localizations", node.get("description"))):
        if node.get(field) is not None:
            kept[field] = {k: v for k, v in node[field].items()
                           if v is not None and v != default}
    if node.get("options"):
        kept["options"] = [_without_defaults(o) for o in node["options"]]
    if node.get("choices"):
        kept["choices"] = [_without_defaults(c) for c in node["choices"]]
    return kept


def stored_command(command: dict[str, Any]) -> dict[str, Any]:
    """The command as Discord keeps it: localised values equal to the default ignored."""
    return _without_defaults(command)


def localized(node: dict[str, Any], locale: str, field: str = "name") -> str:
    """What a client in `locale` shows for a stored command, option or choice: the localised
    value, else the default (Discord's fallbacks between en-US and en-GB, and es-419 to
    es-ES, included)."""
    found = node.get(f"{field}_localizations") or {}
    fallback = {"en-US": "en-GB", "en-GB": "en-US", "es-419": "es-ES"}.get(locale)
    return found.get(locale) or (found.get(fallback) if fallback else None) or node[field]
