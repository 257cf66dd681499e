"""Regenerate the timetable pictures in docs/images (one per day, as the bot posts them):
`python docs/timetable_example.py` from the repo root."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.event.models import (  # noqa: E402
    Entry,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    SlotView,
)
from bot.render.timetable_png import render_timetable  # noqa: E402

ROOMS = ["Main hall", "Workshop room", "Garden"]
DAYS = {
    date(2026, 7, 6): [
        ("09:30", 45, [("Live patching the hypervisor without downtime", 61),
                       ("Rust in Xen: where we are", 34), ("Coffee & docs sprint", 9)]),
        ("10:30", 45, [("Fuzzing the PV drivers", 28), ("Intro to the Xen test lab", 17),
                       ("Security team Q&A", 45)]),
        ("11:15", 30, "Coffee"),
        ("11:45", 45, [("Memory tagging on Arm: first results", 52),
                       ("Packaging for Debian, Fedora and Alpine", 21),
                       ("Kids' coding corner", 6)]),
    ],
    date(2026, 7, 7): [
        ("09:30", 45, [("CI that doesn't flake", 41), ("Hardware bring-up stories", 25),
                       ("Mentoring newcomers", 11)]),
        ("10:30", 45, [("Virtio everywhere?", 57), ("Ünïcode ✓ and long títulos that need "
                                                   "wrapping to fit their box nicely", 19),
                       ("Board game break 🎲", 3)]),
        ("11:15", 30, "Coffee"),
        ("11:45", 45, [("Closing: what next", 66), ("日本語のセッション：仮想化入門", 30),
                       ("Open hacking 🧑‍💻 bring your laptop", 0)]),
    ],
}


def example() -> PublishedTimetable:
    sid = slot_id = 0
    days = []
    for d, rows in DAYS.items():
        slots = []
        for hhmm, minutes, content in rows:
            h, m = map(int, hhmm.split(":"))
            start = datetime(d.year, d.month, d.day, h - 2, m, tzinfo=UTC)  # CEST = UTC+2
            slot_id += 1
            slot = SlotView(slot_id, 1, start, start + timedelta(minutes=minutes),
                            isinstance(content, str), False,
                            content if isinstance(content, str) else "")
            entries = []
            for room, (title, people) in enumerate([] if isinstance(content, str) else content):
                sid += 1
                if title:
                    entries.append(Entry(sid, title, 100 + sid, room + 1, ROOMS[room], people))
            slots.append(PublishedSlot(slot, tuple(entries)))
        days.append(PublishedDay(d, "", tuple(slots)))
    return PublishedTimetable(3, "Europe/Brussels", tuple(days))


if __name__ == "__main__":
    folder = Path(__file__).with_name("images")
    folder.mkdir(exist_ok=True)
    for old in folder.glob("timetable-*.png"):
        old.unlink()
    for picture in render_timetable(example(), event_name="Xen Summit unconference"):
        assert picture.day is not None
        part = f"-{picture.part}" if picture.parts > 1 else ""
        out = folder / f"timetable-{picture.day.isoformat()}{part}.png"
        out.write_bytes(picture.png)
        print(f"{out}: {picture.width}×{picture.height}, {len(picture.png)} bytes")
