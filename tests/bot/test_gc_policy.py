"""The bot process's garbage-collector settings (bot.gc_policy)."""

from __future__ import annotations

import gc

import pytest

from bot import gc_policy


@pytest.fixture
def restore_gc():
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()


def test_configure_sets_the_thresholds_and_returns_the_previous(restore_gc) -> None:
    gc.set_threshold(700, 10, 10)
    assert gc_policy.configure() == (700, 10, 10)
    assert gc.get_threshold() == gc_policy.THRESHOLDS
    assert gc_policy.THRESHOLDS[0] > 700


def test_freeze_moves_survivors_to_the_permanent_generation(restore_gc) -> None:
    gc.unfreeze()
    survivor = [[i] for i in range(100)]
    frozen = gc_policy.freeze_long_lived()
    assert frozen == gc.get_freeze_count() >= len(survivor)
