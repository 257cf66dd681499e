"""Reading an uploaded TOML timetable: hostile files are refused in plain words before the
parser sees them, and nothing a real timetable writes is mistaken for one."""

from __future__ import annotations

import tomllib

import pytest

from bot.event.errors import InvalidInput
from bot.event.timetable_toml import MAX_TOML_CHARS, parse_timetable
from bot.event.uploads import MAX_ENTRIES, MAX_KEY_PARTS, MAX_NESTING, scan_toml, upload_text
from tests.bot.conftest import EXAMPLE_TOML


def dotted_key(size: int) -> str:
    """A file of `size` characters: one dotted key, the shape that makes tomllib quadratic."""
    return "a" + ".a" * ((size - 6) // 2) + " = 1\n"


#: name → (the file, as text or bytes; words the refusal must contain)
HOSTILE = {
    "40 kB dotted key": (dotted_key(40_000), f"more than {MAX_KEY_PARTS} parts"),
    "80 kB dotted key": (dotted_key(80_000), f"more than {MAX_KEY_PARTS} parts"),
    "dotted table header": ("[" + ".".join("t" * 5000) + "]\n", "dotted key"),
    "dotted key in an inline table": ("x = { " + ".".join("k" * 5000) + " = 1 }\n",
                                      "dotted key"),
    "quoted dotted key": ("x" + '."a"' * 5000 + " = 1\n", "dotted key"),
    "dotted key after a tricky string": ('s = """ends \\""" with quotes"""""\n'
                                         + dotted_key(20_000), "line 2"),
    "deep arrays": ("x = " + "[" * 5000 + "]" * 5000 + "\n", f"more than {MAX_NESTING} deep"),
    "deep inline tables": ("x = " + "{ a = " * 5000 + "1" + " }" * 5000 + "\n",
                           f"more than {MAX_NESTING} deep"),
    "huge integer": ("[[rooms]]\nname = \"A\"\ncapacity = " + "9" * 5000 + "\n",
                     "number too long"),
    "huge hexadecimal integer": ("[[rooms]]\nname = \"A\"\ncapacity = 0x" + "f" * 5000 + "\n",
                                 "capacity must be a whole number"),
    "too many entries": ("x = [" + "1," * (MAX_ENTRIES + 1) + "]\n", f"{MAX_ENTRIES:,} entries"),
    "too many tables": ("[[days]]\n" * (MAX_ENTRIES + 1), "entries"),
    "too large": ("# " + "x" * MAX_TOML_CHARS + "\n", f"{MAX_TOML_CHARS:,} characters"),
    "binary junk": (bytes(range(256)) * 4, "not UTF-8"),
    "NUL bytes": (b"[[rooms]]\x00\x00\x00", "NUL"),
    "UTF-16": (EXAMPLE_TOML.read_text().encode("utf-16"), "UTF-16"),
    "Latin-1": ('[[rooms]]\nname = "Salle à manger"\ncapacity = 3\n'.encode("latin-1"),
                "not UTF-8"),
    "empty bytes": (b"", "empty"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_in_plain_words(name):
    raw, words = HOSTILE[name]
    with pytest.raises(InvalidInput) as info:
        parse_timetable(raw, "UTC")
    message = info.value.user_message
    assert words in message, message
    assert len(message) < 300 and "Traceback" not in message and "sys." not in message


def test_utf8_with_a_byte_order_mark_reads_like_plain_utf8():
    plain = parse_timetable(EXAMPLE_TOML.read_bytes(), "UTC")
    assert parse_timetable(EXAMPLE_TOML.read_text().encode("utf-8-sig"), "UTC") == plain
    assert parse_timetable(EXAMPLE_TOML.read_text(), "UTC") == plain


@pytest.mark.parametrize("text", [
    # dots, brackets, equals signs and commas inside strings and comments are not structure
    's = "a.b.c.d.e.f.g.h.i.j.k = [[[[[[[[[[{{{{{{{{{{,,,,"\n',
    "s = 'a.b.c.d.e.f.g.h.i.j.k [[[[[[[[[[[['\n",
    's = """\na.b.c.d.e.f.g.h.i.j.k\n[[[[[[[[[[[[ \\""" still inside """\n',
    "s = '''\na.b.c.d.e.f.g.h.i.j.k\n[[[[[[[[[[[[ '''\n",
    "# a.b.c.d.e.f.g.h.i.j.k [[[[[[[[[[[[[\nx = 1\n",
    's = "escaped \\" quote . . . . . . . . . . ."\n',
    's = """two more quotes end it"""""\nt = 1.5\n',
    # keys of up to the limit's parts, values with a dot each, nesting up to the limit
    ".".join("k" * MAX_KEY_PARTS) + " = 1.5\n",
    "t = 1979-05-27T07:32:00.999999-07:00\n[" + ".".join("h" * MAX_KEY_PARTS) + "]\n",
    "x = " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\n",
])
def test_what_real_files_write_is_not_mistaken_for_a_costly_structure(text):
    tomllib.loads(text)  # valid TOML
    scan_toml(text, "file")


def test_the_example_and_three_months_of_slots_pass_the_scan():
    scan_toml(EXAMPLE_TOML.read_text(), "file")
    slots = ",\n".join(f'  {{ start = "{h:02}:00", end = "{h:02}:50", label = "Slot {h}" }}'
                       for h in range(8, 20))
    year = "".join(f"[[days]]\ndate = 2026-{1 + d // 28:02}-{1 + d % 28:02}\n"
                   f"label = \"Day {d}\"\nslots = [\n{slots}\n]\n" for d in range(84))
    assert len(year) < MAX_TOML_CHARS
    parsed = parse_timetable(year, "UTC")
    assert len(parsed.days) == 84 and sum(len(d.slots) for d in parsed.days) == 84 * 12


def test_an_upload_must_be_text():
    for raw in (None, 12, ["a"]):
        with pytest.raises(InvalidInput, match="empty"):
            upload_text(raw, "file", 10)
    assert upload_text(b"\xef\xbb\xbfok", "file", 10) == "ok"
    with pytest.raises(InvalidInput, match="10 characters at most"):
        upload_text("é" * 11, "file", 10)
