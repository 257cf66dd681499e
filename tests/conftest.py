"""Fixtures every test directory may use."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.postgres import MISSING, find_binaries, postgres_server


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the whole run (tests/postgres.py); the tests that
    need it are skipped, with the reason, where its binaries are missing."""
    if find_binaries() is None:
        pytest.skip(MISSING)
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path) -> str:
    """Where a test's events live, on each engine in turn: the path of a new SQLite file, or
    the URL of a new database on the throwaway PostgreSQL server. Reopening it finds the same
    data."""
    if request.param == "sqlite":
        return str(tmp_path / "event.sqlite")
    return request.getfixturevalue("postgres").new_database()
