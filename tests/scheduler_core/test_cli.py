"""The command line: readable output, result file, invalid input, generator, bench."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from scheduler_core import cli
from scheduler_core.generate import SIZES, generate
from scheduler_core.io import load_instance
from scheduler_core.models import Instance, InvalidInstance, Result

REPO = Path(__file__).resolve().parents[2]
TIME_LIMIT = "0.5"


# ------------------------------------------------------------------------------------ helpers


def tiny() -> dict:
    """3 talk slots + a break, 2 rooms, 5 sessions; s-big is wanted by more than its room holds."""
    return {
        "slots": [
            {"id": "mon-1", "start": "2026-07-06T09:00:00+02:00",
             "end": "2026-07-06T09:45:00+02:00"},
            {"id": "mon-2", "start": "2026-07-06T09:45:00+02:00",
             "end": "2026-07-06T10:30:00+02:00"},
            {"id": "mon-lunch", "start": "2026-07-06T12:00:00+02:00",
             "end": "2026-07-06T13:00:00+02:00", "is_break": True},
            {"id": "mon-3", "start": "2026-07-06T13:00:00+02:00",
             "end": "2026-07-06T13:45:00+02:00"},
        ],
        "rooms": [{"id": "r1", "name": "Main hall", "capacity": 2},
                  {"id": "r2", "name": "Cupboard", "capacity": 1}],
        "sessions": [
            {"id": "s-big", "title": "Live patching", "proposers": ["u1"]},
            {"id": "s-b", "title": "Fuzzing the hypervisor", "proposers": ["u2"]},
            {"id": "s-c", "title": "Boot time", "proposers": ["u2"]},
            {"id": "s-d", "title": "RISC-V port", "proposers": ["u3"],
             "allowed_slots": ["mon-3"]},
            {"id": "s-e", "title": "Documentation sprint", "proposers": []},
        ],
        "interest": [
            {"attendee": "u1", "session": "s-big", "level": 100},
            {"attendee": "u2", "session": "s-big", "level": 75},
            {"attendee": "u3", "session": "s-big", "level": 100},
            {"attendee": "u4", "session": "s-big", "level": 100},
            {"attendee": "u5", "session": "s-big", "level": 100},
            {"attendee": "u2", "session": "s-b", "level": 100},
            {"attendee": "u2", "session": "s-c", "level": 100},
            {"attendee": "u4", "session": "s-c", "level": 25},
            {"attendee": "u3", "session": "s-d", "level": 100},
            {"attendee": "u5", "session": "s-d", "level": 75},
            {"attendee": "u1", "session": "s-e", "level": 25},
            {"attendee": "u4", "session": "s-e", "level": 75},
        ],
        "fixed": [],
    }


def write(tmp_path: Path, data: dict | str, name: str = "instance.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


def recompute_utility(instance: Instance, result: Result) -> int:
    """Σ over attendees and slots of the highest level among the sessions in that slot."""
    slot_of = {a.session: a.slot for a in result.assignments}
    best: dict[tuple[str, str], int] = defaultdict(int)
    for it in instance.interest:
        slot = slot_of.get(it.session)
        if slot is not None:
            best[it.attendee, slot] = max(best[it.attendee, slot], it.level)
    return sum(best.values())


def check_hard_constraints(instance: Instance, result: Result) -> None:
    slots = {s.id: s for s in instance.slots}
    sessions = {s.id: s for s in instance.sessions}
    rooms = {r.id for r in instance.rooms}
    cells = Counter((a.slot, a.room) for a in result.assignments)
    assert max(cells.values(), default=1) == 1, "two sessions in one room and slot"
    assert len({a.session for a in result.assignments}) == len(result.assignments)
    busy: set[tuple[str, str]] = set()
    for a in result.assignments:
        assert a.room in rooms and a.slot in slots and a.session in sessions
        assert not slots[a.slot].is_break, f"{a.session} placed in break {a.slot}"
        allowed = sessions[a.session].allowed_slots
        assert allowed is None or a.slot in allowed, f"{a.session} outside its allowed slots"
        for who in sessions[a.session].proposers:
            assert (a.slot, who) not in busy, f"proposer {who} twice in {a.slot}"
            busy.add((a.slot, who))
    placed = {a.session for a in result.assignments}
    assert placed | {u.session for u in result.unplaced} == set(sessions)
    for p in instance.fixed:
        assert any(a.session == p.session and a.slot == p.slot and a.room == p.room
                   for a in result.assignments)


def run_module(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduler_core", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------------------------------- solve


def test_solve_prints_timetable_and_summary(tmp_path, capsys):
    inst_path = write(tmp_path, tiny())
    out_path = tmp_path / "result.json"
    code = cli.main(["solve", str(inst_path), "--time-limit", TIME_LIMIT,
                     "--output", str(out_path), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    result = Result.model_validate_json(out_path.read_text())
    instance = load_instance(inst_path)

    # Slots in time order, the break shown as a break, rooms named with their capacity.
    positions = [out.index(f"[{s}]") for s in ("mon-1", "mon-2", "mon-lunch", "mon-3")]
    assert positions == sorted(positions)
    lunch_line = next(ln for ln in out.splitlines() if "[mon-lunch]" in ln)
    assert "break" in lunch_line
    assert "Main hall (2)" in out and "Cupboard (1)" in out

    # Every placed session: on a line with its title, room and expected attendance,
    # under its own slot's heading.
    lines = out.splitlines()
    for a in result.assignments:
        title = next(s.title for s in instance.sessions if s.id == a.session)
        room = next(r for r in instance.rooms if r.id == a.room)
        idx = next(i for i, ln in enumerate(lines) if f" {a.session} " in ln)
        line = lines[idx]
        assert title in line and room.name in line
        assert f"{a.expected_attendance} expected" in line
        assert ("OVERFLOW" in line) == (a.expected_attendance > room.capacity)
        heading = next(ln for ln in reversed(lines[:idx]) if ln and not ln.startswith(" "))
        assert f"[{a.slot}]" in heading
    # Five people want s-big, the biggest room holds 2: its overflow must be reported.
    assert any(a.session == "s-big" and a.expected_attendance > 2 for a in result.assignments)
    assert "OVERFLOW" in out

    summary = out[out.index("Summary"):]
    assert f"{result.utility:,}" in summary
    assert f"{result.upper_bound:,}" in summary
    assert f"{100 * result.utility / result.upper_bound:.2f} %" in summary
    gain = result.utility - result.seed_heuristic_utility
    assert f"{result.seed_heuristic_utility:,}" in summary
    assert f"gain {gain:+,}" in summary
    assert f"{100 * gain / result.seed_heuristic_utility:.2f} %" in summary
    assert f"moved           {result.moved}" in summary
    assert f"unplaced        {len(result.unplaced)}" in summary
    for u in result.unplaced:
        assert u.session in summary and u.reason in summary


def test_unplaced_sessions_are_listed_with_reason(tmp_path, capsys):
    data = tiny()  # 3 talk slots x 1 room = 3 places for 5 sessions
    data["rooms"] = [{"id": "r1", "name": "Only room", "capacity": 50}]
    out_path = tmp_path / "result.json"
    code = cli.main(["solve", str(write(tmp_path, data)), "--time-limit", TIME_LIMIT,
                     "-o", str(out_path), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    result = Result.model_validate_json(out_path.read_text())
    assert len(result.assignments) == 3 and len(result.unplaced) == 2
    summary = out[out.index("Summary"):]
    for u in result.unplaced:
        assert u.reason
        assert any(u.session in ln and u.reason in ln for ln in summary.splitlines())


def test_result_file_from_real_process_matches_recomputation(tmp_path):
    inst_path = tmp_path / "xen.json"
    gen = run_module("generate", "--size", "xen-like", "--seed", "5", "--output", str(inst_path))
    assert gen.returncode == 0, gen.stderr
    out_path = tmp_path / "result.json"
    proc = run_module("solve", str(inst_path), "--time-limit", "1", "--output", str(out_path))
    assert proc.returncode == 0, proc.stderr
    assert "Summary" in proc.stdout
    assert "best" not in proc.stderr  # no progress when stderr is not a terminal

    instance = load_instance(inst_path)
    result = Result.model_validate_json(out_path.read_text())
    assert result.utility == recompute_utility(instance, result)
    from scheduler_core.evaluate import utility_of

    assert utility_of(instance, result.assignments) == result.utility
    check_hard_constraints(instance, result)
    assert result.seed_heuristic_utility <= result.utility <= result.upper_bound
    assert f"{result.utility:,}" in proc.stdout


def test_progress_flag_reports_on_stderr(tmp_path, capsys):
    out_path = tmp_path / "result.json"
    code = cli.main(["solve", str(write(tmp_path, tiny())), "--time-limit", TIME_LIMIT,
                     "--progress", "--output", str(out_path)])
    err = capsys.readouterr().err
    assert code == 0
    lines = [ln for ln in err.splitlines() if "best" in ln]
    assert lines, err
    assert all("bound" in ln and " s]" in ln for ln in lines)
    result = json.loads(out_path.read_text())  # the closing line says how the search ended
    how = "proven optimal" if result["status"] == "optimal" else "not proven optimal"
    assert lines[-1].endswith(f"] done, {how}: best {result['utility']:,}  "
                              f"bound {result['upper_bound']:,}"), err


def test_naive_time_among_aware_ones_is_a_clean_error(tmp_path, capsys):
    data = tiny()
    data["slots"][0]["start"] = "2026-07-06T09:00:00"
    data["slots"][0]["end"] = "2026-07-06T09:45:00+02:00"
    data["slots"][1]["start"] = "2026-07-06T10:00:00+02:00"
    code = cli.main(["solve", str(write(tmp_path, data)), "--time-limit", TIME_LIMIT,
                     "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"slot {data['slots'][0]['id']!r}: start has no UTC offset" in err
    assert "Traceback" not in err


def test_generate_help_says_what_each_size_means(capsys):
    with pytest.raises(SystemExit):
        cli.main(["generate", "--help"])
    out = capsys.readouterr().out
    from scheduler_core.generate import SIZES
    for name, spec in SIZES.items():
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(name + " "))
        assert f"{spec.attendees:,} attendees" in line and f"{spec.rooms} rooms" in line


@pytest.mark.skipif(os.name != "posix", reason="needs SIGINT delivery")
def test_ctrl_c_stops_and_keeps_best(tmp_path):
    inst_path = tmp_path / "medium.json"
    inst_path.write_text(generate("medium", 2).model_dump_json())
    out_path = tmp_path / "result.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scheduler_core", "solve", str(inst_path), "--time-limit", "60",
         "--output", str(out_path), "--progress"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()  # the first progress line: the solve is under way
        assert "best" in first, first
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert time.monotonic() - started < 20
    assert "interrupted" in stderr
    assert "stopped early" in stdout and "Summary" in stdout
    result = Result.model_validate_json(out_path.read_text())
    assert result.utility >= result.seed_heuristic_utility


# ------------------------------------------------------------------------------ invalid input


def _mutate(fn):
    data = tiny()
    fn(data)
    return data


INVALID = {
    "unknown session in interest": (
        _mutate(lambda d: d["interest"].append(
            {"attendee": "u9", "session": "ghost", "level": 25})),
        ["ghost", "interest[12]"]),
    "unknown slot in allowed_slots": (
        _mutate(lambda d: d["sessions"][1].update(allowed_slots=["tue-9"])),
        ["s-b", "tue-9"]),
    "unknown room in fixed": (
        _mutate(lambda d: d["fixed"].append({"session": "s-b", "slot": "mon-1", "room": "r7"})),
        ["s-b", "r7"]),
    "unknown slot in fixed": (
        _mutate(lambda d: d["fixed"].append({"session": "s-b", "slot": "sun-1", "room": "r1"})),
        ["s-b", "sun-1"]),
    "unknown session in fixed": (
        _mutate(lambda d: d["fixed"].append({"session": "nope", "slot": "mon-1", "room": "r1"})),
        ["nope"]),
    "duplicate session id": (
        _mutate(lambda d: d["sessions"].append({"id": "s-c", "title": "again"})),
        ["duplicate session", "s-c"]),
    "duplicate slot id": (
        _mutate(lambda d: d["slots"].append({"id": "mon-2"})),
        ["duplicate slot", "mon-2"]),
    "duplicate room id": (
        _mutate(lambda d: d["rooms"].append({"id": "r2", "name": "Other"})),
        ["duplicate room", "r2"]),
    "level above range": (
        _mutate(lambda d: d["interest"][3].update(level=150)),
        ["interest[3]", "u4", "150"]),
    "level below range": (
        _mutate(lambda d: d["interest"][7].update(level=-5)),
        ["interest[7]", "-5"]),
    "level not a number": (
        _mutate(lambda d: d["interest"][2].update(level="high")),
        ["interest[2].level", "high"]),
    "fixed session in a break": (
        _mutate(lambda d: d["fixed"].append(
            {"session": "s-e", "slot": "mon-lunch", "room": "r1"})),
        ["s-e", "mon-lunch", "break"]),
    "missing rooms": (_mutate(lambda d: d.pop("rooms")), ["rooms", "missing"]),
    "unknown field": (_mutate(lambda d: d["rooms"][0].update(colour="red")), ["rooms[0].colour"]),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_instance_exits_2_naming_the_item(case, tmp_path, capsys):
    data, expected = INVALID[case]
    out_path = tmp_path / "result.json"
    code = cli.main(["solve", str(write(tmp_path, data)), "--time-limit", TIME_LIMIT,
                     "--output", str(out_path), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 2
    for fragment in expected:
        assert fragment in captured.err, (fragment, captured.err)
    assert captured.out == ""
    assert not out_path.exists()


def test_every_problem_is_listed_not_just_the_first(tmp_path, capsys):
    data = tiny()
    data["interest"][0]["level"] = 101
    data["interest"][4]["session"] = "ghost"
    data["sessions"].append({"id": "s-b"})
    code = cli.main(["solve", str(write(tmp_path, data)), "--time-limit", TIME_LIMIT])
    err = capsys.readouterr().err
    assert code == 2
    assert "interest[0]" in err and "101" in err
    assert "interest[4]" in err and "ghost" in err
    assert "duplicate session id 's-b'" in err


def test_malformed_json_reports_line_and_column(tmp_path, capsys):
    text = '{\n  "slots": [],\n  "rooms": [}\n'
    code = cli.main(["solve", str(write(tmp_path, text)), "--time-limit", TIME_LIMIT])
    err = capsys.readouterr().err
    assert code == 2
    assert "malformed JSON at line 3, column 13" in err
    assert "instance.json" in err


def test_top_level_not_an_object(tmp_path, capsys):
    code = cli.main(["solve", str(write(tmp_path, "[1, 2]")), "--time-limit", TIME_LIMIT])
    err = capsys.readouterr().err
    assert code == 2 and "top level" in err and "array" in err


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "absent.json"
    code = cli.main(["solve", str(missing), "--time-limit", TIME_LIMIT])
    err = capsys.readouterr().err
    assert code == 2 and "absent.json" in err and "no such file" in err


def test_invalid_input_in_a_real_process(tmp_path):
    bad = write(tmp_path, _mutate(lambda d: d["interest"][1].update(session="phantom")))
    proc = run_module("solve", str(bad), "--time-limit", TIME_LIMIT, "--output",
                      str(tmp_path / "r.json"))
    assert proc.returncode == 2
    assert "phantom" in proc.stderr and "interest[1]" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_module("solve", str(write(tmp_path, "{oops", "broken.json")))
    assert proc.returncode == 2 and "line 1, column 2" in proc.stderr


def test_load_instance_collects_all_type_errors():
    data = tiny()
    data["interest"][0]["level"] = "lots"
    data["rooms"][1]["capacity"] = -3
    with pytest.raises(InvalidInstance) as info:
        load_instance(json.dumps(data))
    text = "\n".join(info.value.problems)
    assert "interest[0].level" in text and "rooms[1].capacity" in text
    assert "room 'r2'" in text or "id 'r2'" in text


# ------------------------------------------------------------------------------------ generate


def test_generate_is_deterministic_per_seed(tmp_path, capsys):
    paths = [tmp_path / f"{i}.json" for i in range(3)]
    for path, seed in zip(paths, (7, 7, 8), strict=True):
        assert cli.main(["generate", "--size", "xen-like", "--seed", str(seed),
                         "--output", str(path)]) == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()
    assert generate("medium", 3) == generate("medium", 3)
    assert generate("medium", 3) != generate("medium", 4)
    # Without --output the instance goes to stdout and loads back.
    capsys.readouterr()
    assert cli.main(["generate", "--size", "xen-like", "--seed", "7"]) == 0
    assert load_instance(capsys.readouterr().out) == load_instance(paths[0])


def test_generate_unknown_size_is_refused(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["generate", "--size", "gigantic", "--seed", "1"])
    assert info.value.code == 2
    assert "gigantic" in capsys.readouterr().err
    with pytest.raises(ValueError, match="gigantic"):
        generate("gigantic", 1)


@pytest.mark.parametrize("size", list(SIZES))
def test_generated_instance_has_the_size_shape(size):
    spec = SIZES[size]
    inst = generate(size, 1)
    talks = [s for s in inst.slots if not s.is_break]
    breaks = [s for s in inst.slots if s.is_break]
    assert len(talks) == spec.slots
    assert len(inst.rooms) == spec.rooms
    assert len(inst.sessions) == spec.sessions

    ratings = Counter(i.attendee for i in inst.interest)
    assert len(ratings) == spec.attendees
    assert set(ratings.values()) == {spec.ratings}
    pairs = [(i.attendee, i.session) for i in inst.interest]
    assert len(set(pairs)) == len(pairs)
    assert {i.level for i in inst.interest} <= {25, 75, 100}
    levels = Counter(i.level for i in inst.interest)
    assert levels[25] > levels[100] and levels[75] > 0

    # Zipf-like popularity: the top fifth of sessions draws over twice its even share,
    # the bottom half well under its even share.
    per_session = sorted(Counter(i.session for i in inst.interest).values(), reverse=True)
    assert sum(per_session[: spec.sessions // 5]) > 0.4 * len(inst.interest)
    assert sum(per_session[spec.sessions // 2:]) < 0.3 * len(inst.interest)

    # Proposers are attendees, rate their own sessions 100, and several hold more than one.
    level = {(i.attendee, i.session): i.level for i in inst.interest}
    held = Counter(p for s in inst.sessions for p in s.proposers)
    assert all(s.proposers for s in inst.sessions)
    assert all(level.get((p, s.id)) == 100 for s in inst.sessions for p in s.proposers)
    assert sum(1 for n in held.values() if n >= 2) >= 0.2 * len(held)
    assert max(held.values()) <= spec.ratings

    # Some sessions restricted to a contiguous third of the talk slots.
    talk_ids = [s.id for s in talks]
    restricted = [s for s in inst.sessions if s.allowed_slots is not None]
    assert 0.05 * spec.sessions <= len(restricted) <= 0.3 * spec.sessions
    for s in restricted:
        assert len(s.allowed_slots) == round(spec.slots / 3)
        start = talk_ids.index(s.allowed_slots[0])
        assert s.allowed_slots == talk_ids[start:start + len(s.allowed_slots)]

    # Realistic times: days of back-to-back 45-minute slots around a lunch break.
    ordered = sorted(inst.slots, key=lambda s: s.start)
    assert ordered == list(inst.slots)
    days = defaultdict(list)
    for s in inst.slots:
        days[s.start.date()].append(s)
    assert len(days) >= 2
    for day in days.values():
        assert sum(s.is_break for s in day) == 1
        assert not day[0].is_break and not day[-1].is_break
        for a, b in zip(day, day[1:], strict=False):
            assert a.end == b.start
        for s in day:
            minutes = (s.end - s.start).total_seconds() / 60
            assert minutes == 45 or s.is_break
    assert len(breaks) == len(days)

    # A few big rooms, many small ones.
    caps = sorted((r.capacity for r in inst.rooms), reverse=True)
    big = [c for c in caps if c >= 2 * caps[len(caps) // 2]]
    assert 1 <= len(big) <= len(caps) // 2
    assert all(r.name for r in inst.rooms)


# --------------------------------------------------------------------------------------- bench


def test_bench_table_and_results_file(tmp_path, capsys, monkeypatch):
    from scheduler_core import bench

    monkeypatch.setattr(bench, "ORBEL_DIR", tmp_path / "no-orbel-here")
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmarks\n\n## Engine (issue 2)\n\nold table\n\n"
                       "## Bot latency\n\nkeep me\n")
    code = cli.main(["bench", "--sizes", "xen-like", "--seeds", "1", "--time-limit-scale",
                     "0.05", "--output", str(results)])
    out = capsys.readouterr().out
    assert code == 0
    row = next(ln for ln in out.splitlines() if ln.startswith("| xen-like | 1 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    heuristic, engine = (int(c.replace(",", "")) for c in cells[3:5])
    assert engine >= heuristic > 0
    assert float(cells[5]) == pytest.approx(engine / heuristic, abs=1e-4)
    bound = int(cells[8].replace(",", ""))
    assert float(cells[7]) == pytest.approx(100 * engine / bound, abs=0.01)
    assert cells[9] in ("optimal", "feasible") and cells[10]  # status, method
    assert float(cells[13]) > 10  # peak RSS of a real Python process, in MiB
    assert "Median ratio engine/heuristic over xen-like" in out
    assert "orbel2017: skipped" in out

    text = results.read_text()
    assert "old table" not in text
    assert "## Bot latency\n\nkeep me" in text
    assert text.count("## Engine (issue 2)") == 1
    assert "nproc" in text and row in text


def test_bench_writes_to_a_scratch_file_unless_told(tmp_path, capsys, monkeypatch):
    from scheduler_core import bench

    monkeypatch.setattr(bench, "ORBEL_DIR", tmp_path / "no-orbel-here")
    monkeypatch.setattr(bench.tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code = cli.main(["bench", "--sizes", "xen-like", "--seeds", "1", "--time-limit-scale",
                     "0.05"])
    out = capsys.readouterr().out
    assert code == 0
    written = sorted(tmp_path.glob("scheduler-bench-*.md"))
    assert len(written) == 1 and f"written to {written[0]}" in out
    assert "| xen-like | 1 |" in written[0].read_text()


def test_update_results_file_appends_and_replaces(tmp_path):
    from scheduler_core.bench import update_results_file

    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmarks\n\n## Storage\n\nfast\n")
    update_results_file(path, "## Engine (issue 2)\n\nfirst\n")
    update_results_file(path, "## Engine (issue 2)\n\nsecond\n")
    text = path.read_text()
    assert text.startswith("# Benchmarks\n\n## Storage\n\nfast\n")
    assert "second" in text and "first" not in text
    assert text.count("## Engine (issue 2)") == 1


def test_bench_rejects_unknown_size(capsys):
    assert cli.main(["bench", "--sizes", "xen-like,colossal"]) == 2
    assert "colossal" in capsys.readouterr().err


# ------------------------------------------------------------------------------------- bot.cli


def test_bot_cli_offers_the_engine_commands(tmp_path, capsys):
    from bot import cli as bot_cli

    with pytest.raises(SystemExit):
        bot_cli.main(["--help"])
    help_text = capsys.readouterr().out
    for command in ("solve", "generate", "bench"):
        assert command in help_text
    path = tmp_path / "x.json"
    assert bot_cli.main(["generate", "--size", "xen-like", "--seed", "2", "-o", str(path)]) == 0
    assert load_instance(path) == generate("xen-like", 2)
    assert bot_cli.main(["solve", str(tmp_path / "missing.json")]) == 2


def test_fixed_and_moved_sessions_are_marked(tmp_path, capsys):
    data = tiny()
    data["fixed"] = [{"session": "s-e", "slot": "mon-3", "room": "r2"}]
    # A previous timetable that puts the two most wanted sessions together: a good solve
    # separates them, so something moves (move weight 0: utility first).
    data["previous"] = [{"session": "s-big", "slot": "mon-1", "room": "r1"},
                        {"session": "s-c", "slot": "mon-1", "room": "r2"},
                        {"session": "s-b", "slot": "mon-2", "room": "r1"}]
    out_path = tmp_path / "result.json"
    code = cli.main(["solve", str(write(tmp_path, data)), "--time-limit", TIME_LIMIT,
                     "--move-weight", "0", "-o", str(out_path), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    result = Result.model_validate_json(out_path.read_text())
    instance = load_instance(write(tmp_path, data, "again.json"))
    check_hard_constraints(instance, result)
    assert result.utility == recompute_utility(instance, result)
    lines = out.splitlines()
    fixed_line = next(ln for ln in lines if " s-e " in ln)
    assert "fixed" in fixed_line and "Cupboard" in fixed_line
    assert f"moved           {result.moved}" in out
    for m in result.moves:
        if m.from_slot is not None and m.to_slot is not None:
            assert f"moved from {m.from_slot}" in next(ln for ln in lines if f" {m.session} " in ln)
    assert result.moved >= 1


def test_quality_sentence_says_proven_or_an_honest_gap():
    from scheduler_core.report import quality_sentence

    assert quality_sentence(100, 100, True).startswith("Proven best possible")
    assert quality_sentence(100, 100, False).startswith("Proven best possible")
    # 1 − 995/1000 = 0.5 %; 1 − 994/1000 = 0.6 %; 0.41 % rounds up, never down.
    assert "At most 0.5 %" in quality_sentence(995, 1000, False)
    assert "At most 0.6 %" in quality_sentence(994, 1000, False)
    assert "At most 0.5 %" in quality_sentence(9959, 10000, False)
    assert "less than 0.1 %" in quality_sentence(99999, 100000, False)
    assert "proven bound 1,000" in quality_sentence(900, 1000, False)
