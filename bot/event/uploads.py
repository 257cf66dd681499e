"""Uploaded files, read safely: the text checked, the cost of parsing it bounded before the
parser sees it, and the parsing done off the event loop, so that one hostile or careless upload
never stalls the bot's other servers (their interactions and the gateway heartbeat).

Python's TOML parser takes time that grows with the square of a dotted key's length (a key
`a.a.a…` of a few dozen kilobytes blocks it for seconds) and recurses once per nested array or
inline table, so `scan_toml` counts those, and entries, in one linear pass first and refuses
the file in plain words when one exceeds its limit. JSON is read by pydantic, whose parser
bounds nesting and the length of numbers itself; `scan_json` bounds the number of values,
which decides the memory a parse takes (bot/event/export_model.py).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bot.event.errors import InvalidInput
from bot.i18n import N_, Message

#: Parts of one dotted key (`a.b.c` has three); the timetable format needs none.
MAX_KEY_PARTS = 4
#: Arrays and inline tables inside one another; the timetable format needs two.
MAX_NESTING = 8
#: Keys, list items and tables in one file: room for a season of daily slots.
MAX_ENTRIES = 10_000
#: Values in a JSON file, counted by the commas between them: more than the largest
#: event export that fits in the size limit holds.
MAX_JSON_VALUES = 1_000_000

_MAX_JSON_SHOWN, _MAX_ENTRIES_SHOWN = f"{MAX_JSON_VALUES:,}", f"{MAX_ENTRIES:,}"
T = TypeVar("T")

#: The files people upload, as the refusals name them.
_FILES = {"timetable file": N_("timetable file"), "export file": N_("export file")}


def _file(what: str) -> Message | str:
    return _FILES.get(what, what)


# Parsing runs Python code most of the time, which hands the interpreter lock to the loop's
# thread every few milliseconds: threads suffice. Decoding JSON is C code that keeps the lock
# while it runs; the size limits bound how long (benchmarks/uploads.py measures how late other
# servers are answered). Two threads at most, so a burst of uploads queues here, not in the loop.
_PARSERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="upload")


async def off_loop(fn: Callable[..., T], *args: object) -> T:
    """`fn(*args)` in the uploads' worker threads, so the event loop keeps answering."""
    return await asyncio.get_running_loop().run_in_executor(_PARSERS, fn, *args)


def upload_text(raw: object, what: str, limit: int) -> str:
    """The file as text: UTF-8 (a leading byte-order mark dropped), neither empty nor binary,
    at most `limit` characters. Raises InvalidInput saying what is wrong and how to fix it."""
    if isinstance(raw, bytes | bytearray):
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise InvalidInput(N_("The {what} is saved as UTF-16; save it as UTF-8 text and "
                                  "attach it again.", what=_file(what)))
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(N_("The {what} is not UTF-8 text; save it as UTF-8 (plain "
                                  "text) and attach it again.", what=_file(what))) from None
    if isinstance(raw, str):
        raw = raw.removeprefix("\ufeff")
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(N_("The {what} is empty.", what=_file(what)))
    if len(raw) > limit:
        raise InvalidInput(N_("The {what} is too large: {limit} characters at most.",
                              what=_file(what), limit=format(limit, ",")))
    if "\x00" in raw:
        raise InvalidInput(N_("The {what} is not a text file (it holds NUL bytes).",
                              what=_file(what)))
    return raw


# What matters to the cost outside strings and comments; strings are skipped whole.
_TOKEN = re.compile(r'"""|\'\'\'|["\'#\[\]{}=,.\n]')
_BASIC_REST = re.compile(r'(?:[^"\\\n]|\\.)*')  # the rest of a one-line "…" string
_LITERAL_REST = re.compile(r"[^'\n]*")  # the rest of a one-line '…' string


def scan_json(text: str, what: str) -> None:
    """Refuse, before parsing, a JSON text of more values than MAX_JSON_VALUES: the parsed
    values take memory many times the text's size. Commas inside strings count too, which
    errs on the safe side."""
    if text.count(",") >= MAX_JSON_VALUES:
        raise InvalidInput(N_("The {what} holds more than {max} values; an event export holds "
                              "far fewer. Is it the right file?", what=_file(what),
                              max=_MAX_JSON_SHOWN))


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _string_end(text: str, pos: int, token: str) -> int:
    """Where the string opened by `token` just before `pos` ends, as TOML reads it; -1 when it
    is not closed (the parser stops there with an error, so nothing after it matters)."""
    if token == '"':
        end = _BASIC_REST.match(text, pos).end()
        return end + 1 if text.startswith('"', end) else -1
    if token == "'":
        end = _LITERAL_REST.match(text, pos).end()
        return end + 1 if text.startswith("'", end) else -1
    while True:  # multi-line: the first closing delimiter not escaped by a backslash
        end = text.find(token, pos)
        if end < 0:
            return -1
        backslashes = (end - pos - len(text[pos:end].rstrip("\\"))) if token == '"""' else 0
        if backslashes % 2 == 0:
            break
        pos = end + 1
    end += 3
    for _ in range(2):  # up to two more quotes belong to the text
        if text.startswith(token[0], end):
            end += 1
    return end


def scan_toml(text: str, what: str) -> None:
    """Refuse, before parsing, a TOML text whose keys, nesting or entries exceed the limits
    above (each parsed in linear time within them). Raises InvalidInput naming the line."""
    pos, depth, dots, entries = 0, 0, 0, 0
    while (m := _TOKEN.search(text, pos)) is not None:
        token, pos = m.group(), m.end()
        if token == ".":
            dots += 1
            if dots >= MAX_KEY_PARTS:
                raise InvalidInput(N_(
                    "The {what} has a dotted key of more than {max} parts (like a.b.c…) on "
                    "line {line}; write it with fewer parts.", what=_file(what),
                    max=MAX_KEY_PARTS, line=_line(text, pos)))
        elif token in ('"', "'", '"""', "'''"):  # a quoted key part keeps the count
            pos = _string_end(text, pos, token)
        else:
            dots = 0  # a key ends at any of these
            if token == "#":
                pos = text.find("\n", pos)
            elif token in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    raise InvalidInput(N_(
                        "The {what} nests lists or inline tables more than {max} deep (line "
                        "{line}); flatten it.", what=_file(what), max=MAX_NESTING,
                        line=_line(text, pos)))
            elif token in "]}":
                depth = max(0, depth - 1)
            if token in "=,[{":
                entries += 1
                if entries > MAX_ENTRIES:
                    raise InvalidInput(N_(
                        "The {what} has more than {max} entries (keys, list items and "
                        "tables); a timetable needs far fewer: leave out what it does not "
                        "use.", what=_file(what), max=_MAX_ENTRIES_SHOWN))
        if pos < 0:
            return
