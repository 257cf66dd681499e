"""A run's stored error (English, for `session-scheduler status`) is shown to the organiser in
their own language: every sentence the rules store is read back into its message."""

from __future__ import annotations

import pytest

from bot.event.runs import (
    INTERRUPTED,
    NO_RESULT,
    STOPPED_BEFORE_START,
    STOPPED_UNANSWERED,
    _failed,
    _lost,
    _tried,
    stored_error,
)
from bot.i18n import ENGLISH, language

DE = language("de")


@pytest.mark.parametrize("stored", [
    STOPPED_BEFORE_START, STOPPED_UNANSWERED, INTERRUPTED, NO_RESULT,
    _failed("SolverFailed: the solver process stopped unexpectedly (exit code -9)"),
    _tried(_failed("SolverFailed: boom"), 3), str(_lost(2)), str(_lost(1)),
])
def test_every_stored_error_reads_back_the_same_in_english_and_in_german(stored):
    message = stored_error(stored)
    assert ENGLISH.text(message) == stored
    assert DE.text(message) != stored


def test_the_engines_own_words_stay_as_they_are():
    assert DE.text(stored_error(_tried(_failed("ValueError: bad"), 2))) == (
        "Der Planer ist fehlgeschlagen: ValueError: bad (2 Versuche; nichts wurde gespeichert)")
    assert DE.text(stored_error("something else")) == "something else"
    assert DE.text(stored_error(None)) == "Der Planer hat ohne Ergebnis aufgehört."
