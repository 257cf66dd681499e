"""Fitting titles into boxes: word wrap, then an ellipsis on the last line that fits."""

from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "…"
Measure = Callable[[str], float]


def _split_word(word: str, width: float, measure: Measure) -> list[str]:
    """A word wider than the box is cut into pieces that fit (at least one character each)."""
    pieces = []
    while word and measure(word) > width:
        k = len(word) - 1
        while k > 1 and measure(word[:k]) > width:
            k -= 1
        pieces.append(word[:k])
        word = word[k:]
    if word:
        pieces.append(word)
    return pieces


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
    last = lines[-1]
    while last and measure(last + ELLIPSIS) > width:
        last = last[:-1].rstrip()
    lines[-1] = last + ELLIPSIS
    return lines, True
