"""``python -m scheduler_core``: see `scheduler_core.cli`."""

from scheduler_core.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
