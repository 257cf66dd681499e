"""Fixtures every test directory may use."""

from __future__ import annotations

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
