"""Typed errors of the rules: each carries a `user_message` fit to show to a person as is.

A refusal made with a `bot.i18n.Message` (`N_`, `NP_`) is shown in the reader's language
(`message`); one made with a plain str is English everywhere, until its words are marked.
"""

from __future__ import annotations

import math

from bot.i18n import N_, NP_, Message


class EventError(Exception):
    """Base of every refusal by the rules. `user_message` is safe to show to the actor: the
    English; `message` is the same to render in another language."""

    def __init__(self, user_message: str | Message):
        super().__init__(str(user_message))
        self.message = user_message
        self.user_message = str(user_message)


ANNOUNCEMENTS = N_("the announcements channel")


class NotFound(EventError):
    """The thing does not exist in this guild's event (or belongs to another guild)."""


class Forbidden(EventError):
    """The actor may not do this (not the owner, not an admin, not verified, closed...)."""


class NotPublished(Forbidden):
    """The timetable is not public yet; the Discord layer adds where it will appear."""

    def __init__(self, where: str | Message = ANNOUNCEMENTS):
        self.where = where
        super().__init__(N_("The schedule is not public yet: an organiser publishes it once it "
                            "is ready, and it is then posted in {where}. /schedule shows it "
                            "here from then on.", where=where))


class InvalidInput(EventError):
    """The input breaks a rule (empty, too long, bad characters, out of range...)."""


class WrongCode(InvalidInput):
    """A wrong verification code. `burst`: this one reached the server's limit of wrong codes
    (many accounts guessing together): the organisers should hear of it."""

    def __init__(self, user_message: str | Message, burst: bool = False):
        super().__init__(user_message)
        self.burst = burst


class Conflict(EventError):
    """The request clashes with the current state (duplicate title, run in progress...)."""


TOO_MANY = N_("Too many wrong attempts")


class RunStopped(EventError):
    """A run of the scheduler was stopped without a result to show (before it started, or its
    engine did not answer the stop in time)."""


class RateLimited(EventError):
    """Too many attempts; `retry_after` is the number of seconds to wait."""

    def __init__(self, retry_after: float, what: str | Message = TOO_MANY):
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(NP_("{what}. Try again in {n} minute.",
                             "{what}. Try again in {n} minutes.", minutes, what=what))
