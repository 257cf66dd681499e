"""Command line: ``python -m scheduler_core {solve,generate,bench} ...``.

`add_commands(subparsers)` registers the subcommands on any argparse subparsers object, so that
another front end (``bot.cli``) can offer them next to its own commands. Each subcommand's
handler takes the parsed namespace and returns the exit code:
0 success, 2 invalid input (a message naming the offending item goes to stderr).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from scheduler_core.models import Instance, InvalidInstance, Result

__all__ = ["EXIT_INVALID", "EXIT_OK", "ProgressPrinter", "add_commands", "build_parser", "main"]

EXIT_OK = 0
EXIT_INVALID = 2


def _fail(message: str, problems: list[str] | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    for p in problems or []:
        print(f"  - {p}", file=sys.stderr)
    return EXIT_INVALID


def _unwritable(output: str | None) -> str | None:
    """Why `output` cannot be written (its directory is missing), or None."""
    if output is None:
        return None
    out_dir = Path(output).resolve().parent
    if not out_dir.is_dir():
        return f"cannot write {output}: directory {out_dir} does not exist"
    return None


# --------------------------------------------------------------------------------------- solve


class ProgressPrinter:
    """Progress callback that writes ``best / bound / elapsed`` to a stream.

    On a terminal one line is rewritten in place (at most `interval` apart unless the best
    improves); elsewhere a new line is printed for every improvement.
    """

    def __init__(self, stream: TextIO, tty: bool, interval: float = 0.5):
        self.stream, self.tty, self.interval = stream, tty, interval
        self._last_best: int | None = None
        self._last_time = 0.0
        self._lock = threading.Lock()
        self._dirty = False

    def __call__(self, p) -> None:  # p: scheduler_core.engine.Progress
        best, bound, elapsed = p.utility, p.upper_bound, p.elapsed
        now = time.monotonic()
        improved = best != self._last_best
        with self._lock:
            if not improved and (not self.tty or now - self._last_time < self.interval):
                return
            self._last_best, self._last_time = best, now
            pct = f"  ({100 * best / bound:.2f} % of bound)" if best and bound else ""
            line = (f"[{elapsed or 0.0:7.1f} s] best {_num(best)}  bound {_num(bound)}{pct}")
            if self.tty:
                self.stream.write("\r\x1b[K" + line)
                self._dirty = True
            else:
                self.stream.write(line + "\n")
            self.stream.flush()

    def close(self, result: Result | None = None, cancelled: bool = False) -> None:
        """End the progress output; with a result, say how the search ended, so the last
        progress line is never mistaken for the outcome."""
        with self._lock:
            if self._dirty:
                self.stream.write("\n")
                self._dirty = False
            if result is not None:
                how = ("proven optimal" if result.status == "optimal"
                       else "interrupted" if cancelled else "not proven optimal")
                self.stream.write(f"[{result.solve_seconds:7.1f} s] done, {how}: best "
                                  f"{_num(result.utility)}  bound {_num(result.upper_bound)}\n")
            self.stream.flush()


def _num(v: int | None) -> str:
    return "-" if v is None else f"{v:,}"


def run_solve(instance: Instance, time_limit: float, seed: int, move_weight: int | None,
              progress=None, handle_sigint: bool = True) -> tuple[Result, bool]:
    """Solve in a worker thread; Ctrl-C asks the engine to stop and keeps the best found.

    Returns (result, cancelled). A second Ctrl-C aborts at once.
    """
    from scheduler_core.engine import SolveOptions, solve

    kwargs = {"time_limit": time_limit, "seed": seed}
    if move_weight is not None:
        kwargs["move_weight"] = move_weight
    options = SolveOptions(**kwargs)
    cancel = threading.Event()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = solve(instance, options, progress=progress, cancel=cancel)
        except BaseException as exc:  # re-raised in the calling thread
            outcome["error"] = exc

    def on_sigint(signum, frame) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("\ninterrupted: stopping the search, keeping the best timetable found "
              "(Ctrl-C again to abort)", file=sys.stderr, flush=True)

    worker = threading.Thread(target=work, name="solve", daemon=True)
    installed = handle_sigint and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if installed else None
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
    finally:
        if installed:
            signal.signal(signal.SIGINT, previous)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"], cancel.is_set()  # type: ignore[return-value]


def cmd_solve(args: argparse.Namespace) -> int:
    from scheduler_core.io import load_instance, write_json
    from scheduler_core.report import format_result

    if args.time_limit <= 0:
        return _fail(f"--time-limit must be positive (got {args.time_limit})")
    if (why := _unwritable(args.output)) is not None:
        return _fail(why)
    try:
        instance = load_instance(Path(args.instance))
    except InvalidInstance as exc:
        return _fail(f"invalid instance {args.instance}:", exc.problems)

    show = args.progress if args.progress is not None else sys.stderr.isatty()
    printer = ProgressPrinter(sys.stderr, tty=sys.stderr.isatty()) if show else None
    try:
        result, cancelled = run_solve(instance, args.time_limit, args.seed, args.move_weight,
                                      progress=printer)
    except InvalidInstance as exc:
        if printer is not None:
            printer.close()
        return _fail(f"invalid instance {args.instance}:", exc.problems)
    if printer is not None:
        printer.close(result, cancelled)

    if args.output is not None:
        write_json(result, args.output)
    sys.stdout.write(format_result(instance, result, cancelled))
    if args.output is not None:
        print(f"\nresult written to {args.output}")
    sys.stdout.flush()
    return EXIT_OK


# ------------------------------------------------------------------------------------ generate


def cmd_generate(args: argparse.Namespace) -> int:
    from scheduler_core.generate import generate

    if (why := _unwritable(args.output)) is not None:
        return _fail(why)
    instance = generate(args.size, args.seed)
    if args.output is None:
        sys.stdout.write(instance.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    from scheduler_core.io import write_json

    write_json(instance, args.output)
    print(f"{args.size} instance (seed {args.seed}): {len(instance.interest)} ratings by "
          f"{len({i.attendee for i in instance.interest})} attendees on "
          f"{len(instance.sessions)} sessions, {sum(not s.is_break for s in instance.slots)} "
          f"slots, {len(instance.rooms)} rooms -> {args.output}", file=sys.stderr)
    return EXIT_OK


# --------------------------------------------------------------------------------------- bench


def cmd_bench(args: argparse.Namespace) -> int:
    from scheduler_core import bench
    from scheduler_core.generate import SIZES

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        return _fail(f"unknown size(s) {', '.join(map(repr, unknown))}; "
                     f"choose from {', '.join(SIZES)}")
    if args.seeds < 1:
        return _fail(f"--seeds must be at least 1 (got {args.seeds})")
    if args.time_limit_scale <= 0:
        return _fail(f"--time-limit-scale must be positive (got {args.time_limit_scale})")
    return bench.run(sizes=sizes, seeds=args.seeds, scale=args.time_limit_scale,
                     output=args.output, orbel=not args.no_orbel)


# -------------------------------------------------------------------------------------- parser


def _positive_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def add_commands(subparsers) -> None:
    """Register solve, generate and bench on an argparse subparsers object."""
    from scheduler_core.generate import SIZES

    p = subparsers.add_parser(
        "solve", help="compute a timetable for an instance file",
        description="Solve INSTANCE.json, print the timetable and summary, write the result.",
        epilog="The instance and result formats: docs/engine.md.")
    p.add_argument("instance", metavar="INSTANCE.json")
    p.add_argument("--time-limit", type=_positive_float, default=10.0, metavar="S",
                   help="seconds to search (default 10)")
    p.add_argument("--output", "-o", metavar="RESULT.json", help="write the result JSON here")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--move-weight", type=int, default=None, metavar="W",
                   help="utility given up per moved session when 'previous' is set")
    prog = p.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None,
                      help="report progress on stderr (default: only on a terminal)")
    prog.add_argument("--no-progress", dest="progress", action="store_false")
    p.set_defaults(func=cmd_solve)

    g = subparsers.add_parser(
        "generate", help="write a synthetic instance",
        description="A synthetic instance, deterministic per size and seed.",
        epilog="sizes:\n" + "\n".join(
            f"  {name:9} {spec.attendees:,} attendees rating {spec.ratings} sessions each, "
            f"{spec.sessions:,} sessions, {spec.slots} slots, {spec.rooms} rooms"
            for name, spec in SIZES.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("--size", choices=list(SIZES), default="xen-like",
                   help="how big an event (see below; default xen-like)")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
    g.set_defaults(func=cmd_generate)

    b = subparsers.add_parser(
        "bench", help="engine vs the seed heuristic on generated and ORBEL instances",
        description="For each size and seeds 1..N, run the seed heuristic and the engine, each "
                    "instance in a fresh process, and print a markdown table.")
    b.add_argument("--sizes", default=",".join(SIZES),
                   help=f"comma-separated, from {', '.join(SIZES)} (default: all)")
    b.add_argument("--seeds", type=int, default=3, help="seeds 1..N per size (default 3)")
    b.add_argument("--time-limit-scale", type=_positive_float, default=1.0, metavar="F",
                   help="multiply the default time limits "
                        "(xen-like 10 s, medium 30 s, large 60 s, huge 300 s)")
    b.add_argument("--output", metavar="RESULTS.md",
                   help="write the table into this markdown file (default: a new file in the "
                        "temporary directory; benchmarks/RESULTS.md only when named)")
    b.add_argument("--no-orbel", action="store_true", help="skip the ORBEL data sets")
    b.set_defaults(func=cmd_bench)


def build_parser(prog: str = "python -m scheduler_core") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Unconference timetable engine (CP-SAT).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_commands(sub)
    return parser


def dispatch(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    args = parser.parse_args(argv)
    return args.func(args)


def main(argv: list[str] | None = None) -> int:
    return dispatch(build_parser(), argv)
