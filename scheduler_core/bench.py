"""``python -m scheduler_core bench``: the engine against the seed heuristic.

Each instance is handled in a fresh process (multiprocessing, spawn): the child builds or loads
the instance, runs the seed heuristic, then the engine, and reports its own peak resident set
size (``getrusage(RUSAGE_SELF).ru_maxrss``), so the memory figure is that of the process that
did the solve, interpreter, OR-Tools and instance included.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DEFAULT_TIME_LIMITS", "Row", "format_table", "machine_description", "run",
           "run_one", "update_results_file"]

DEFAULT_TIME_LIMITS = {"xen-like": 10.0, "medium": 30.0, "large": 60.0, "huge": 300.0}
RATIO_SIZES = ("xen-like", "medium", "large")
ENGINE_SEED = 0
REPO_ROOT = Path(__file__).resolve().parents[1]
ORBEL_DIR = REPO_ROOT / "benchmarks" / "orbel"
ORBEL = (  # name, file, known optimum utility (None if unknown)
    ("orbel2017", "orbel2017.json", 110_600),
    ("orbel2026", "orbel2026.json", None),
)
ORBEL_TIME_LIMIT = 10.0
SECTION = "## Engine (issue 2)"


@dataclass
class Row:
    instance: str
    seed: int | None
    time_limit: float
    heuristic: int = 0
    engine: int = 0
    bound: int = 0
    topk: int = 0
    status: str = ""
    method: str = ""
    engine_seconds: float = 0.0
    first_at_least_heuristic: float | None = None
    peak_rss_mib: float = 0.0
    helper_rss_mib: float = 0.0
    optimum: int | None = None
    problems: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        return self.engine / self.heuristic if self.heuristic else None


# ------------------------------------------------------------------------------ child process


def _child(conn, job: dict) -> None:
    """Runs in a fresh process: heuristic then engine on one instance; sends back a dict."""
    try:
        conn.send(_measure(job))
    except BaseException as exc:  # report, never hang the parent
        import traceback

        conn.send({"error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc()})
    finally:
        conn.close()


def _measure(job: dict) -> dict:
    import resource

    from scheduler_core.bounds import topk_bound
    from scheduler_core.engine import SolveOptions, solve
    from scheduler_core.evaluate import utility_of
    from scheduler_core.heuristic import seed_heuristic
    from scheduler_core.problem import UNPLACED, compile_problem

    if "path" in job:
        from scheduler_core.io import load_instance

        instance = load_instance(Path(job["path"]))
    else:
        from scheduler_core.generate import generate

        instance = generate(job["size"], job["seed"])

    problem = compile_problem(instance)
    timetable = seed_heuristic(problem)
    heuristic = utility_of(instance, [
        (problem.session_ids[s], problem.slot_ids[t])
        for s, t in enumerate(timetable.placement()) if t != UNPLACED])
    problems = []
    if timetable.utility != heuristic:
        problems.append(f"seed heuristic reports {timetable.utility}, recomputed {heuristic}")
    first: list[float] = []
    t0 = time.monotonic()

    def on_progress(p) -> None:
        if not first and p.utility >= heuristic:
            first.append(time.monotonic() - t0)

    result = solve(instance, SolveOptions(time_limit=job["time_limit"], seed=ENGINE_SEED),
                   progress=on_progress)
    seconds = time.monotonic() - t0
    recomputed = utility_of(instance, result.assignments)
    if recomputed != result.utility:
        problems.append(f"reported utility {result.utility} but the assignments give {recomputed}")
    if result.utility < heuristic:
        problems.append(f"engine {result.utility} below the seed heuristic {heuristic}")
    if result.seed_heuristic_utility != heuristic:
        problems.append(f"result says seed heuristic {result.seed_heuristic_utility}, "
                        f"the heuristic gives {heuristic}")
    topk = topk_bound(problem)
    if result.upper_bound > topk:
        problems.append(f"upper bound {result.upper_bound} above the top-k bound {topk}")
    if result.upper_bound < result.utility:
        problems.append(f"upper bound {result.upper_bound} below the utility {result.utility}")
    return {
        "heuristic": heuristic, "engine": result.utility, "bound": result.upper_bound,
        "topk": topk, "status": result.status, "method": result.method or "",
        "engine_seconds": seconds,
        "first_at_least_heuristic": first[0] if first else None,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "helper_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "problems": problems,
    }


def run_one(row: Row, job: dict) -> Row:
    """Fill `row` by running `job` in a fresh spawned process."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, job), name=f"bench-{row.instance}")
    proc.start()
    child.close()
    deadline = row.time_limit * 3 + 180
    try:
        if not parent.poll(deadline):
            row.error = f"no answer within {deadline:.0f} s"
            return row
        try:
            data = parent.recv()
        except EOFError:
            proc.join(5)
            row.error = f"solver process died (exit code {proc.exitcode})"
            return row
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.kill()
            proc.join()
        parent.close()
    if "error" in data:
        row.error = data["error"]
        print(data.get("traceback", ""), file=sys.stderr)
        return row
    for key, value in data.items():
        setattr(row, key, value)
    return row


# ------------------------------------------------------------------------------------- report


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}" if whole else "-"


def format_table(rows: list[Row]) -> str:
    head = ("| instance | seed | time limit s | heuristic | engine | ratio | heuristic % of bound "
            "| engine % of bound | upper bound | status | method | engine s | first ≥ heuristic s "
            "| peak RSS MiB | helper RSS MiB |")
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for r in rows:
        seed = "-" if r.seed is None else str(r.seed)
        if r.error:
            lines.append(f"| {r.instance} | {seed} | {r.time_limit:g} | failed: {r.error} |"
                         + " |" * 11)
            continue
        first = "-" if r.first_at_least_heuristic is None else f"{r.first_at_least_heuristic:.2f}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.4f}"
        lines.append(
            f"| {r.instance} | {seed} | {r.time_limit:g} | {r.heuristic:,} | {r.engine:,} "
            f"| {ratio} | {_pct(r.heuristic, r.bound)} | {_pct(r.engine, r.bound)} "
            f"| {r.bound:,} | {r.status} | {r.method} | {r.engine_seconds:.1f} | {first} "
            f"| {r.peak_rss_mib:.0f} | {r.helper_rss_mib:.0f} |")
    return "\n".join(lines) + "\n"


def median_ratio(rows: list[Row]) -> float | None:
    ratios = [r.ratio for r in rows
              if not r.error and r.ratio is not None and r.instance in RATIO_SIZES]
    return statistics.median(ratios) if ratios else None


def notes(rows: list[Row], skipped: list[str]) -> list[str]:
    out = []
    m = median_ratio(rows)
    if m is not None:
        sizes = sorted({r.instance for r in rows if r.instance in RATIO_SIZES},
                       key=RATIO_SIZES.index)
        out.append(f"Median ratio engine/heuristic over {', '.join(sizes)}: **{m:.4f}**")
    for r in rows:
        if r.optimum and not r.error:
            out.append(f"{r.instance}: known optimum {r.optimum:,}; engine {r.engine:,} "
                       f"({_pct(r.engine, r.optimum)} % of it), heuristic {r.heuristic:,} "
                       f"({_pct(r.heuristic, r.optimum)} %)")
    for r in rows:
        for p in r.problems:
            out.append(f"CHECK FAILED {r.instance} seed {r.seed}: {p}")
    out.extend(skipped)
    return out


def machine_description() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown RAM"
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if m:
            ram = f"{int(m.group(1)) / 1024 ** 2:.1f} GiB RAM"
    except OSError:
        pass
    try:
        import ortools

        ortools_version = ortools.__version__
    except Exception:  # pragma: no cover - ortools is a dependency
        ortools_version = "?"
    return (f"{cpus} CPUs (nproc), {model}, {ram}; Python {platform.python_version()}, "
            f"OR-Tools {ortools_version}")


def section_text(rows: list[Row], skipped: list[str], command: str) -> str:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [SECTION, "",
            f"Measured on {today} with `{command}`.", "",
            f"Machine: {machine_description()}.", "",
            format_table(rows).rstrip(), ""]
    body += [f"- {n}" for n in notes(rows, skipped)]
    body += ["",
             "Ratio = engine utility / seed-heuristic utility on the same instance. % of bound "
             "uses the upper bound the engine reports (the tighter of the top-k bound and what "
             "the solver proves). Engine s is wall time of the solve call; first ≥ heuristic is "
             "the first progress report at least as good as the heuristic. Peak RSS is the "
             "maximum resident set size of the fresh process that generated the instance, ran "
             "the heuristic and the engine; helper RSS that of the largest process it started (the "
             "second solver's: set partitioning or a second annealing chain), 0 when none.", ""]
    return "\n".join(body)


def update_results_file(path: Path, section: str) -> None:
    """Replace (or append) the `SECTION` of a markdown file, leaving other sections intact."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.rstrip() == SECTION), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    else:
        end = next((i for i in range(start + 1, len(lines))
                    if lines[i].startswith("## ") or lines[i].startswith("# ")), len(lines))
        after = "".join(lines[end:])
        new = ("".join(lines[:start]) + section.rstrip("\n") + "\n"
               + ("\n" + after if after else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


# ---------------------------------------------------------------------------------------- run


def _plan(sizes: list[str], seeds: int, scale: float, orbel: bool) -> tuple[list, list[str]]:
    jobs: list[tuple[Row, dict]] = []
    for size in sizes:
        limit = DEFAULT_TIME_LIMITS[size] * scale
        for seed in range(1, seeds + 1):
            jobs.append((Row(size, seed, limit),
                         {"size": size, "seed": seed, "time_limit": limit}))
    skipped = []
    if orbel:
        for name, filename, optimum in ORBEL:
            path = (ORBEL_DIR / filename).resolve()
            if not path.exists():
                skipped.append(f"{name}: skipped, {path} not found")
                continue
            limit = ORBEL_TIME_LIMIT * scale
            jobs.append((Row(name, None, limit, optimum=optimum),
                         {"path": str(path), "time_limit": limit}))
    return jobs, skipped


def run(sizes: list[str], seeds: int = 3, scale: float = 1.0, output: str | None = None,
        orbel: bool = True) -> int:
    jobs, skipped = _plan(sizes, seeds, scale, orbel)
    rows: list[Row] = []
    interrupted = False
    for row, job in jobs:
        print(f"{row.instance} seed {row.seed if row.seed is not None else '-'}: "
              f"{row.time_limit:g} s ...", file=sys.stderr, flush=True)
        try:
            run_one(row, job)
        except KeyboardInterrupt:
            interrupted = True
            print("interrupted: table of the runs finished so far", file=sys.stderr)
            break
        rows.append(row)
        if row.error:
            print(f"  failed: {row.error}", file=sys.stderr)
        else:
            ratio = f"{row.ratio:.4f}" if row.ratio is not None else "-"
            print(f"  heuristic {row.heuristic:,}, engine {row.engine:,} (ratio {ratio}), "
                  f"{row.engine_seconds:.1f} s, {row.peak_rss_mib:.0f} MiB",
                  file=sys.stderr, flush=True)

    print(format_table(rows))
    print(f"Machine: {machine_description()}")
    for n in notes(rows, skipped):
        print(n)
    if output is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        output = str(Path(tempfile.gettempdir()) / f"scheduler-bench-{stamp}-{os.getpid()}.md")
    if rows and not interrupted:
        command = ("python -m scheduler_core bench --sizes " + ",".join(sizes)
                   + f" --seeds {seeds} --time-limit-scale {scale:g}"
                   + ("" if orbel else " --no-orbel"))
        update_results_file(Path(output), section_text(rows, skipped, command))
        print(f"\nwritten to {output} (section '{SECTION[3:]}')")
    if interrupted:
        return 130
    return 1 if any(r.error or r.problems for r in rows) else 0
