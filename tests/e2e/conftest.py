"""Fixtures for end-to-end tests against the loopback Discord stand-in."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from tests.e2e.fake_discord import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started stand-in with discord.py patched to use it; connected clients are closed at
    teardown, and the test fails if the bot hit unknown routes or the stand-in crashed."""
    async with FakeDiscord() as fake:
        yield fake
    fake.assert_clean()


@pytest.fixture
async def beside() -> AsyncIterator[contextlib.AsyncExitStack]:
    """What a test starts beside its bots (a solve worker), stopped before they are: request it
    after `fake_discord`."""
    async with contextlib.AsyncExitStack() as stack:
        yield stack
