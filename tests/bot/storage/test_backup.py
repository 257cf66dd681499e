"""A backup killed half-way never looks like a good one: it is written under a temporary name
and renamed only once complete."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_a_backup_killed_mid_copy_leaves_nothing_under_its_name(tmp_path):
    path, target = tmp_path / "big.sqlite", tmp_path / "backups" / "copy.sqlite"
    conn = sqlite3.connect(path)  # big enough that the copy takes a while
    conn.execute("CREATE TABLE filler (b BLOB)")
    conn.executemany("INSERT INTO filler VALUES (?)", ((os.urandom(200_000),) for _ in range(1000)))
    conn.commit()
    conn.close()
    child = subprocess.Popen([sys.executable, "-m", "tests.bot.storage._backup_child", str(path),
                              str(target)], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"backing up\n"
        deadline = time.monotonic() + 30
        while not (target.parent.exists() and any(target.parent.iterdir())):
            assert time.monotonic() < deadline, "the copy never started"
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)  # the copy has started, and is far from done
        child.wait(10)
    finally:
        child.kill()
    assert child.returncode == -signal.SIGKILL
    assert not target.exists()
