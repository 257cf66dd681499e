"""How late the bot answers other servers while one server's upload is read.

    python benchmarks/uploads.py [--repeat 3]

An organiser's upload (a timetable TOML, an event export JSON) is parsed off the event loop;
meanwhile another server's rules calls must still be answered promptly. On one SQLite event
service (as the bot runs it), each file below is imported while two coroutines run beside it:
a 5 ms ticker (how late the loop wakes it: the loop's stall) and another server reading its
settings in a loop (how long one of its calls takes). Files: the largest timetable the limits
let through, an export of 5,000 attendees' interest, and the hostile files the checks refuse.
Prints a markdown table: per file, the import's duration, the worst tick lateness and the
slowest call of the other server over the repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.event import Actor, EventService, InvalidInput  # noqa: E402
from bot.event.uploads import MAX_ENTRIES, MAX_JSON_VALUES  # noqa: E402

GUILD, OTHER = 1, 2
ADMIN = Actor(1, "Admin", is_admin=True)
EXAMPLE_TOML = Path(__file__).resolve().parents[1] / "data" / "examples" / "timetable.toml"


async def stalls(work: Awaitable[object], other_call: Callable[[], Awaitable[object]]
                 ) -> tuple[float, float, float, object]:
    """While `work` runs: its duration, the longest a 5 ms tick was late, the longest call of
    another server, and what `work` returned or raised."""
    done = asyncio.Event()
    late = call = 0.0

    async def ticker() -> None:
        nonlocal late
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            late = max(late, time.perf_counter() - start - 0.005)

    async def other_server() -> None:
        nonlocal call
        while not done.is_set():
            start = time.perf_counter()
            await other_call()
            call = max(call, time.perf_counter() - start)
            await asyncio.sleep(0.005)

    async def run() -> tuple[float, object]:
        await asyncio.sleep(0.02)  # the others are running first
        start = time.perf_counter()
        try:
            outcome = await work
        except InvalidInput as e:
            outcome = e
        finally:
            done.set()
        return time.perf_counter() - start, outcome

    _, _, (took, outcome) = await asyncio.gather(ticker(), other_server(), run())
    return took, late, call, outcome


def largest_timetable() -> str:
    """Forty days of 48 quarter-hour slots: within every limit."""
    slots = ", ".join(f'{{ start = "{h:02}:{m:02}", end = "{h:02}:{m + 14:02}" }}'
                      for h in range(8, 20) for m in (0, 15, 30, 45))
    return "".join(f'[[days]]\ndate = "2026-{1 + d // 28:02}-{1 + d % 28:02}"\n'
                   f'label = "Day {d}"\nslots = [{slots}]\n' for d in range(40))


async def export_with_people(svc: EventService, people: int) -> dict:
    """The example event's export, with `people` attendees more, each interested in a talk."""
    await svc.import_timetable_toml(GUILD, ADMIN, EXAMPLE_TOML.read_bytes())
    talk = await svc.propose(GUILD, ADMIN, "A talk", "x")
    await svc.set_interest(GUILD, ADMIN, talk.id, 75)
    doc = json.loads(await svc.export_event_json(GUILD, ADMIN))
    t = doc["interest"][0]["updated_at"]
    more = [{"user_id": 10**15 + u, "display_name": f"Attendee {u}", "verified": True,
             "is_admin": False} for u in range(people)]
    doc["attendees"] += more
    doc["interest"] += [{"session_id": talk.id, "user_id": p["user_id"], "level": 75,
                         "updated_at": t} for p in more]
    return doc


def hostile_exports(doc: dict) -> dict[str, str]:
    def changed(change: Callable[[dict], None]) -> str:
        d = copy.deepcopy(doc)
        change(d)
        return json.dumps(d)
    text = json.dumps(doc)
    return {
        "export: deep nesting": text[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}",
        "export: 100,000 unknown fields": changed(
            lambda d: d["event"].update({f"k{i}": i for i in range(10**5)})),
        "export: too many values": changed(lambda d: d.update(x=[0] * MAX_JSON_VALUES)),
        "export: number of 5,000 digits": text.replace('"level": ', '"level": ' + "9" * 5000, 1),
    }


HOSTILE_TOML = {
    "timetable: 80 kB dotted key": "a" + ".a" * 39_997 + " = 1\n",
    "timetable: deep arrays": "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "timetable: too many entries": "x = [" + "1," * (MAX_ENTRIES + 1) + "]\n",
}


async def measure(repeat: int) -> list[tuple[str, float, float, float, str]]:
    rows: dict[str, list] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with await EventService.open(str(Path(tmp) / "bench.sqlite")) as svc:
            await svc.setup_event(GUILD, ADMIN, name="Bench")
            await svc.setup_event(OTHER, ADMIN, name="Other")
            doc = await export_with_people(svc, 5_000)
            files: dict[str, Callable[[], Awaitable[object]]] = {
                "timetable: 40 days of 48 slots":
                    lambda: svc.import_timetable_toml(GUILD, ADMIN, largest_timetable()),
                "export: 5,000 attendees' interest":
                    lambda: svc.import_event_json(GUILD, ADMIN, json.dumps(doc, indent=1)),
            }
            for name, raw in HOSTILE_TOML.items():
                files[name] = lambda raw=raw: svc.import_timetable_toml(GUILD, ADMIN, raw)
            for name, raw in hostile_exports(doc).items():
                files[name] = lambda raw=raw: svc.import_event_json(GUILD, ADMIN, raw)
            for _ in range(repeat):
                for name, work in files.items():
                    took, late, call, outcome = await stalls(
                        work(), lambda: svc.settings(OTHER, ADMIN))
                    seen = rows.setdefault(name, [0.0, 0.0, 0.0, ""])
                    seen[0] = max(seen[0], took)
                    seen[1] = max(seen[1], late)
                    seen[2] = max(seen[2], call)
                    seen[3] = "refused" if isinstance(outcome, InvalidInput) else (
                        "failed" if isinstance(outcome, Exception) else "imported")
    return [(name, *values) for name, values in rows.items()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="times each file is imported")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    rows = asyncio.run(measure(args.repeat))
    print("| file | outcome | import (ms) | worst tick lateness (ms) | other server's slowest "
          "call (ms) |")
    print("|---|---|---:|---:|---:|")
    for name, took, late, call, outcome in rows:
        print(f"| {name} | {outcome} | {took * 1000:.0f} | {late * 1000:.1f} | "
              f"{call * 1000:.1f} |")


if __name__ == "__main__":
    main()
