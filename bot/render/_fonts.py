"""Fonts for the pictures, with a fallback per character so that no title shows tofu boxes.

Three faces, each found on the machine (Debian package in brackets; `.ci/run` installs them):

- DejaVu Sans and DejaVu Sans Bold (`fonts-dejavu-core`): Latin, Greek, Cyrillic, many symbols.
  Without it, Pillow's own bundled font (Pillow >= 10.1), with fewer glyphs and no bold.
- Noto Sans CJK, regular and bold (`fonts-noto-cjk`): Chinese, Japanese and Korean.
- Noto Color Emoji (`fonts-noto-color-emoji`): colour emoji, ZWJ sequences, flags, skin tones.

Which face draws a character is decided from each font's own character map (read with
fontTools), one grapheme cluster at a time (`clusters`): an emoji sequence goes to the emoji
font whole, so that it is shaped into one picture; anything else goes to the first face that has
a glyph for every character of the cluster. The emoji font is a bitmap font that FreeType loads
at one size only: its runs are drawn at that size with `embedded_color=True` and scaled.
`SESSION_SCHEDULER_FONT_DIR` (folders separated by the OS path separator) is searched first.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

FONT_DIR_ENV = "SESSION_SCHEDULER_FONT_DIR"
_SYSTEM_DIRS = (
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
    "/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto",
    "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/google-noto-color-emoji", "/usr/local/share/fonts", "/Library/Fonts",
    "C:/Windows/Fonts")
DEJAVU = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
CJK = {False: "NotoSansCJK-Regular.ttc", True: "NotoSansCJK-Bold.ttc"}
EMOJI = "NotoColorEmoji.ttf"
EMOJI_SIZE = 109  # the one size of Noto Color Emoji's bitmaps that FreeType loads

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

ZWJ, VS15, VS16, KEYCAP = "\u200d", "\ufe0e", "\ufe0f", "\u20e3"


def _dirs() -> list[Path]:
    extra = (os.environ.get(FONT_DIR_ENV) or "").split(os.pathsep)
    dirs = [Path(d) for d in (*extra, *_SYSTEM_DIRS) if d]
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        dirs.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf")
    return dirs


def find(name: str) -> Path | None:
    """The first file of that name in the font folders, or None."""
    return next((d / name for d in _dirs() if (d / name).is_file()), None)


@lru_cache(maxsize=2)
def font_file(bold: bool) -> Path | None:
    """DejaVu Sans (bold), the main face, or None when it is not installed."""
    return find(DEJAVU[bold])


@lru_cache(maxsize=16)
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points the font has a glyph for (its best Unicode character map)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as f:
        return frozenset(f.getBestCmap() or ())


@dataclass(frozen=True, slots=True)
class Face:
    """One font file: the name tests and logs use, and how it is drawn."""

    name: str
    path: Path | None   # None: Pillow's built-in font
    bold: bool = False
    colour: bool = False  # a colour bitmap font: drawn at `EMOJI_SIZE` and scaled
    index: int = 0

    def covers(self, cp: int) -> bool:
        if self.path is None:  # Pillow's font (Aileron): Latin only
            return 0x20 <= cp < 0x250
        return cp in _cmap(str(self.path), self.index)

    def pil(self, px: int) -> Font:
        return _pil(self, px)


@lru_cache(maxsize=256)
def _pil(face: Face, px: int) -> Font:
    if face.path is None:
        return ImageFont.load_default(px)
    size = EMOJI_SIZE if face.colour else px
    return ImageFont.truetype(str(face.path), size, index=face.index)


@lru_cache(maxsize=2)
def main_face(bold: bool = False) -> Face:
    path = font_file(bold) or font_file(False)
    if path is None:
        return Face("Pillow default", None)
    return Face("DejaVu Sans Bold" if path.name == DEJAVU[True] else "DejaVu Sans", path,
                bold=path.name == DEJAVU[True])


@lru_cache(maxsize=2)
def cjk_face(bold: bool = False) -> Face | None:
    path = find(CJK[bold]) or find(CJK[False])
    if path is None:
        return None
    heavy = path.name == CJK[True]
    return Face("Noto Sans CJK" + (" Bold" if heavy else ""), path, bold=heavy)


@lru_cache(maxsize=1)
def emoji_face() -> Face | None:
    path = find(EMOJI)
    return None if path is None else Face("Noto Color Emoji", path, colour=True)


def missing() -> list[str]:
    """The Debian packages whose fonts were not found: text they cover is drawn as boxes."""
    return [pkg for pkg, ok in (("fonts-dejavu-core", font_file(False)),
                                ("fonts-noto-cjk", cjk_face()),
                                ("fonts-noto-color-emoji", emoji_face())) if not ok]


# ------------------------------------------------------------------------- characters


def _is_emoji_base(cp: int) -> bool:
    """Code points drawn as emoji by default (most of Unicode's Emoji_Presentation set)."""
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
            or cp in (0x231A, 0x231B, 0x23E9, 0x23EA, 0x23EB, 0x23EC, 0x23F0, 0x23F3))


def _extends(ch: str) -> bool:
    """Characters that belong to the cluster before them."""
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Mn", "Me", "Mc") or ch in (ZWJ, VS15, VS16, KEYCAP)
            or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F
            or 0xFE00 <= cp <= 0xFE0F)


def clusters(text: str) -> Iterator[str]:
    """The text cut into user-perceived characters (a simplified grapheme segmentation):
    combining marks, variation selectors, skin tones, tags and keycaps stay with the character
    before them; a ZWJ joins its neighbours; regional indicators pair into flags. A line is
    never broken, nor a font chosen, inside one."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if 0x1F1E6 <= ord(text[i]) <= 0x1F1FF and j < n and 0x1F1E6 <= ord(text[j]) <= 0x1F1FF:
            j += 1
        while j < n and (_extends(text[j]) or text[j - 1] == ZWJ):
            j += 1
        yield text[i:j]
        i = j


def _emoji_cluster(c: str) -> bool:
    if VS15 in c:
        return False
    cp = ord(c[0])
    return (VS16 in c or ZWJ in c or KEYCAP in c or _is_emoji_base(cp)
            or any(0x1F3FB <= ord(ch) <= 0x1F3FF for ch in c))


def _visible(c: str) -> list[int]:
    """The code points of a cluster that need a glyph (joiners and selectors need none)."""
    return [ord(ch) for ch in c if not (ch in (ZWJ, VS15, VS16) or 0xE0020 <= ord(ch) <= 0xE007F
                                        or 0xFE00 <= ord(ch) <= 0xFE0F)]


@dataclass(slots=True)
class Faces:
    """The fallback chain for one weight: main, CJK, emoji."""

    bold: bool
    main: Face = field(init=False)
    chain: tuple[Face, ...] = field(init=False)
    emoji: Face | None = field(init=False)

    def __post_init__(self) -> None:
        self.main = main_face(self.bold)
        self.emoji = emoji_face()
        self.chain = tuple(f for f in (self.main, cjk_face(self.bold), self.emoji) if f)

    def face_for(self, c: str) -> Face:
        """The face that draws the cluster `c`: the emoji font for an emoji, else the first
        that has every glyph; the main face (its box) when none has."""
        cps = _visible(c)
        if self.emoji is not None and _emoji_cluster(c) and all(
                self.emoji.covers(cp) for cp in cps[:1]):
            return self.emoji
        for f in self.chain:
            if f is not self.emoji and all(f.covers(cp) for cp in cps):
                return f
        if self.emoji is not None and cps and all(self.emoji.covers(cp) for cp in cps):
            return self.emoji
        return self.main

    def runs(self, text: str) -> list[tuple[str, Face]]:
        """The text in runs of one face each, in order."""
        out: list[tuple[str, Face]] = []
        for c in clusters(text):
            # a space stays in the run before it (unless that is an emoji's)
            keep = c.isspace() and out and not out[-1][1].colour
            f = out[-1][1] if keep else self.face_for(c)
            if out and out[-1][1] == f:
                out[-1] = (out[-1][0] + c, f)
            else:
                out.append((c, f))
        return out


@lru_cache(maxsize=2)
def faces(bold: bool = False) -> Faces:
    found = Faces(bold)
    gone = missing()
    if gone:
        log.warning("timetable picture: fonts not found (%s); the characters they cover are "
                    "drawn as boxes", ", ".join(gone))
    return found


# ------------------------------------------------------------------------- drawing runs


def scale(px: int) -> float:
    """How much an emoji drawn at `EMOJI_SIZE` is scaled to sit in text of `px` pixels."""
    return px / EMOJI_SIZE


def run_length(run: str, face: Face, px: int) -> float:
    f = face.pil(px)
    if face.colour:
        return f.getlength(run) * scale(px)
    return f.getlength(run)


@lru_cache(maxsize=512)
def emoji_image(run: str, px: int) -> tuple[Image.Image, int]:
    """The emoji run as an RGBA image scaled to `px`, and its baseline's offset from its top."""
    face = emoji_face()
    assert face is not None
    f = face.pil(px)
    ascent, descent = f.getmetrics()
    width = max(1, round(f.getlength(run)))
    img = Image.new("RGBA", (width, ascent + descent), (0, 0, 0, 0))
    ImageDraw.Draw(img).text((0, ascent), run, font=f, anchor="ls", embedded_color=True)
    k = scale(px)
    size = (max(1, round(width * k)), max(1, round((ascent + descent) * k)))
    return img.resize(size, Image.Resampling.LANCZOS), round(ascent * k)
