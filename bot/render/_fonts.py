"""Fonts for the pictures: DejaVu Sans where installed, else Pillow's own bundled font.

DejaVu covers Latin, Greek, Cyrillic and many symbols; the Debian package fonts-dejavu-core
installs it (matplotlib ships a copy too, used when present). Pillow's built-in font (Pillow
>= 10.1) keeps the renderer working anywhere, with fewer glyphs and no bold.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR_ENV = "SESSION_SCHEDULER_FONT_DIR"
_SYSTEM_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
                "/usr/share/fonts/TTF", "/usr/local/share/fonts", "/Library/Fonts",
                "C:/Windows/Fonts")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _dirs() -> list[Path]:
    dirs = [Path(d) for d in (os.environ.get(FONT_DIR_ENV), *_SYSTEM_DIRS) if d]
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        dirs.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf")
    return dirs


@lru_cache(maxsize=2)
def font_file(bold: bool) -> Path | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return next((d / name for d in _dirs() if (d / name).is_file()), None)


@lru_cache(maxsize=64)
def font(px: int, bold: bool = False) -> Font:
    path = font_file(bold) or font_file(False)
    if path is None:
        return ImageFont.load_default(px)
    return ImageFont.truetype(str(path), px)
