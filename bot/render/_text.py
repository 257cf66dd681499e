"""Fitting titles into boxes: word wrap, then an ellipsis on the last line that fits.

A word wider than the box (a long word, or Chinese or Japanese text, which has no spaces) is
cut between user-perceived characters (`_fonts.clusters`), never inside an emoji sequence or
between a letter and its accent.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.render._fonts import clusters

ELLIPSIS = "…"
Measure = Callable[[str], float]


def _split_word(word: str, width: float, measure: Measure) -> list[str]:
    """A word wider than the box is cut into pieces that fit (at least one cluster each)."""
    pieces = []
    while word and measure(word) > width:
        ends = []  # where each cluster ends
        at = 0
        for c in clusters(word):
            at += len(c)
            ends.append(at)
        lo, hi = 1, len(ends)  # the most clusters that fit, at least one
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if measure(word[:ends[mid - 1]]) <= width:
                lo = mid
            else:
                hi = mid - 1
        k = ends[lo - 1]
        pieces.append(word[:k])
        word = word[k:]
    if word:
        pieces.append(word)
    return pieces


def _shorten(line: str, width: float, measure: Measure) -> str:
    """The line with clusters taken off its end until it fits with an ellipsis after it."""
    parts = list(clusters(line))
    while parts and measure("".join(parts).rstrip() + ELLIPSIS) > width:
        parts.pop()
    return "".join(parts).rstrip() + ELLIPSIS


def wrap(text: str, width: float, max_lines: int, measure: Measure) -> tuple[list[str], bool]:
    """The lines to draw and whether the text was cut short (then the last line ends in …)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        *full, current = _split_word(word, width, measure)
        lines.extend(full)
    if current:
        lines.append(current)
    if len(lines) <= max(1, max_lines):
        return lines, False
    lines = lines[:max(1, max_lines)]
    lines[-1] = _shorten(lines[-1], width, measure)
    return lines, True
