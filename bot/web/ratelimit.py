"""Requests per client: a token bucket per address, in memory, with a bounded number of
addresses (the least recently seen are forgotten first)."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_CLIENTS = 10_000


class RateLimit:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0           # tokens added per second
        self.burst = max(1.0, per_minute / 4)  # what a client may spend at once
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> float:
        """0 when the client may go on (one token spent), else the seconds until it may."""
        now = self._clock()
        tokens, at = self._buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)
        return wait


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
