"""The timetable picture: one portrait picture per day at a phone's width, text large enough to
read there, every title drawn inside its row (the renderer's own layout boxes), nothing
overlapping, and CJK and emoji drawn with real glyphs rather than tofu boxes."""

from __future__ import annotations

import io
import itertools
import os
import struct
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageFont

from bot.event.models import PublishedTimetable, RoomView
from bot.render import _fonts
from bot.render._text import ELLIPSIS
from bot.render.timetable_png import (
    MAX_HEIGHT,
    MIN_PX,
    PALETTE,
    TITLE_PX,
    WIDTH,
    TimetablePicture,
    contrast,
    ink_for,
    render_timetable,
)
from tests.bot.timetables import build, lengthen

DISCORD_LIMIT = 10 * 1024 * 1024
LONG = ("Live patching the hypervisor without downtime: what we learnt in five years of doing "
        "it, and why")  # 100 characters, the longest title allowed
CJK = "日本語のセッション：ハイパーバイザーの未来"
EMOJI = "Emoji 🚀🔥 party 👩‍💻 🇧🇪"
ODD_TITLES = [
    LONG,
    CJK,
    EMOJI,
    "Prices in $5 and $10 (no maths here) with a_b^c",
    "x",
    "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2,
    "한국어 세션: 가상화 보안 · 中文会议",
]


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def _squash(text: str) -> str:
    return "".join(text.split())


def _union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner, outer, slack: float = 1) -> bool:
    return (outer[0] - slack <= inner[0] and inner[2] <= outer[2] + slack
            and outer[1] - slack <= inner[1] and inner[3] <= outer[3] + slack)


def _check_page(pic: TimetablePicture) -> None:
    """Size, every title inside its row and whole (or cut with …), nothing overlapping."""
    assert _size(pic.png) == (pic.width, pic.height)
    assert pic.width == WIDTH and 300 <= pic.height <= MAX_HEIGHT
    assert len(pic.png) < DISCORD_LIMIT
    whole = (0, 0, pic.width, pic.height)
    for box in pic.boxes:
        assert _inside(box.bbox, whole, 0), box
        assert _inside(box.text_bbox, box.bbox), box  # the title's ink stays in its row
        assert box.font_px >= MIN_PX and box.text.strip(), box
        shown = _squash(box.text.removesuffix(ELLIPSIS).removeprefix("↳ " * box.continued))
        assert _squash(box.title).startswith(shown)
        assert box.ellipsised == box.text.endswith(ELLIPSIS)
        if not box.ellipsised:
            assert shown == _squash(box.title)
    areas = [b.bbox for b in pic.boxes] + [b.bbox for b in pic.breaks] + list(pic.bands)
    for a, b in itertools.combinations(areas, 2):
        assert not _overlap(a, b), (a, b)
    for spine in pic.spines:  # a session's spine joins its own rows and crosses nothing else
        own = [b.bbox for b in pic.boxes if b.session_id == spine.session_id]
        assert len(own) >= 2 or pic.parts > 1, spine
        assert all(_overlap(spine.bbox, o) for o in own), spine
        others = [b.bbox for b in pic.boxes if b.session_id != spine.session_id]
        others += [b.bbox for b in pic.breaks] + list(pic.bands)
        others += [s.bbox for s in pic.spines if s is not spine]
        assert not any(_overlap(spine.bbox, o) for o in others), spine
        assert _inside(spine.bbox, _union([spine.bbox, *own]), 0)
        assert spine.bbox[1] == min(o[1] for o in own) and spine.bbox[3] == max(o[3] for o in own)
    for t in pic.texts:
        assert _inside(t.bbox, whole, 0), t
        assert t.px >= MIN_PX, t
    for a, b in itertools.combinations(pic.texts, 2):
        assert not _overlap(a.bbox, b.bbox), (a.text, b.text)


def _placed(tt: PublishedTimetable) -> dict[int, str]:
    return {e.session_id: e.title for d in tt.days for ps in d.slots for e in ps.entries}


def _with_attendance(tt: PublishedTimetable, fn) -> PublishedTimetable:
    return replace(tt, days=tuple(replace(d, slots=tuple(
        replace(ps, entries=tuple(replace(e, expected_attendance=fn(e)) for e in ps.entries))
        for ps in d.slots)) for d in tt.days))


@pytest.fixture(scope="module")
def camp() -> tuple[PublishedTimetable, list[TimetablePicture]]:
    """A 300-person event: 5 rooms × 4 slots a day over two days, long titles."""
    tt = build(days=2, slots_per_day=4, rooms=5,
               title=lambda sid: (LONG[:60 + sid % 40] + f" #{sid}"))
    tt = _with_attendance(tt, lambda e: (e.session_id * 37) % 300)
    return tt, render_timetable(tt, event_name="Xen Summit unconference")


def test_one_portrait_picture_per_day_at_phone_width(camp):
    tt, pics = camp
    assert [p.day for p in pics] == sorted(p.day for p in pics)
    assert {p.day for p in pics} == {d.date for d in tt.days}
    for pic in pics:
        _check_page(pic)
        # phone-shaped: as wide as a phone, never taller than its screen's 20:9
        assert pic.height / pic.width <= 20 / 9 + 0.01
        assert pic.parts == len([p for p in pics if p.day == pic.day])
    # a day that fills a screen is portrait
    assert max(p.height for p in pics) > WIDTH
    # the text reads at phone width: titles 44 px, nothing smaller than 34 (`_check_page`)
    assert all(b.font_px == TITLE_PX >= 44 for p in pics for b in p.boxes) and MIN_PX >= 34


def test_every_title_is_drawn_once_and_long_titles_wrap(camp):
    tt, pics = camp
    seen = [b.session_id for p in pics for b in p.boxes]
    assert sorted(seen) == sorted(_placed(tt)) and len(seen) == 40
    assert {b.session_id: b.title for p in pics for b in p.boxes} == _placed(tt)
    assert not any(b.ellipsised for p in pics for b in p.boxes)  # up to 100 characters: whole
    assert all(len(b.text.split("\n")) >= 2 for p in pics for b in p.boxes)  # wrapped
    for pic in pics:  # a day's sessions are in its pictures, by slot
        assert all(b.day == pic.day for b in pic.boxes)
        ys = [b.bbox[1] for b in pic.boxes]
        assert ys == sorted(ys)


def test_rows_follow_the_given_room_order():
    tt = build(days=1, slots_per_day=2, rooms=3)
    rooms = [RoomView(2, "Workshop room", 25, None, None), RoomView(9, "Empty", 5, None, None),
             RoomView(3, "Garden", 10, None, None), RoomView(1, "Main hall", 80, None, None)]
    [pic] = render_timetable(tt, rooms=rooms)
    _check_page(pic)
    first_slot = sorted(pic.boxes, key=lambda b: b.bbox[1])[:3]
    assert [b.room_id for b in first_slot] == [2, 3, 1]  # the order given, not by id
    rooms_drawn = [t.text for t in pic.texts if t.role == "room"]
    assert "Empty" not in rooms_drawn and rooms_drawn[:3] == ["Workshop room", "Garden",
                                                              "Main hall"]


def test_many_rooms_are_rows_not_columns():
    tt = build(days=1, slots_per_day=2, rooms=5)
    [pic, *more] = render_timetable(tt)
    for p in [pic, *more]:
        _check_page(p)
        lefts = {b.bbox[0] for b in p.boxes}
        rights = {b.bbox[2] for b in p.boxes}
        assert len(lefts) == len(rights) == 1  # every row spans the picture's width
        assert next(iter(rights)) - next(iter(lefts)) > 0.9 * WIDTH


def test_colours_follow_attendance_and_text_is_readable():
    tt = build(days=1, slots_per_day=3, rooms=5)
    [pic, *_] = render_timetable(tt)
    attendance = {e.session_id: e.expected_attendance
                  for d in tt.days for ps in d.slots for e in ps.entries}
    by_attendance = sorted(pic.boxes, key=lambda b: attendance[b.session_id])
    ranks = [PALETTE.index(b.fill) for b in by_attendance]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    assert [colour for colour, _ in pic.legend] == list(PALETTE[:len(pic.legend)])
    for colour in PALETTE:
        assert contrast(colour, ink_for(colour)) >= 4.5
    assert all(b.ink == ink_for(b.fill) for b in pic.boxes)


def test_zero_attendance_is_not_shown_as_in_the_embeds():
    tt = _with_attendance(build(days=1, slots_per_day=2, rooms=2),
                          lambda e: 0 if e.session_id % 2 else 5)
    [pic] = render_timetable(tt)
    notes = [t.text for t in pic.texts if t.role == "note"]
    assert notes and all(n == "≈5 expected" for n in notes)
    assert not any("≈0" in t.text for t in pic.texts)
    assert len(notes) == len([b for b in pic.boxes if b.session_id % 2 == 0])


def test_odd_titles_do_not_crash_and_are_drawn_or_ellipsised():
    tt = build(days=1, slots_per_day=3, rooms=5,
               title=lambda sid: ODD_TITLES[sid % len(ODD_TITLES)] + f" #{sid}")
    pics = render_timetable(tt, event_name="Ünïcødé camp 🚀 $x$")
    assert sum(len(p.boxes) for p in pics) == 15
    for pic in pics:
        _check_page(pic)
    boxes = [b for p in pics for b in p.boxes]
    long = [b for b in boxes if b.title.startswith("Pneumono")]
    assert long and not any(b.ellipsised for b in long)  # cut between letters, all shown
    dollars = [b for b in boxes if b.title.startswith("Prices")]
    assert dollars and all("$5" in b.text for b in dollars)


def test_a_day_taller_than_a_phone_screen_goes_on_in_more_pictures():
    """Five days of twelve slots in five rooms: 300 sessions, each drawn exactly once."""
    tt = build(days=5, slots_per_day=12, rooms=5,
               title=lambda sid: ODD_TITLES[sid % len(ODD_TITLES)])
    pics = render_timetable(tt, event_name="Big camp")
    seen = [b.session_id for p in pics for b in p.boxes]
    assert sorted(seen) == sorted(_placed(tt)) and len(seen) == 300
    assert sum(len(p.breaks) for p in pics) == 5
    for d in tt.days:
        parts = [p for p in pics if p.day == d.date]
        assert len(parts) >= 2 and [p.part for p in parts] == list(range(1, len(parts) + 1))
        assert any("(2/" in t.text for t in parts[1].texts if t.role == "day")
    for pic in pics:
        _check_page(pic)


def test_a_session_of_several_slots_is_one_box_over_them():
    """Two sessions of two slots in one day, one of three: each drawn as a row in its first
    slot with its whole time, a row in each later slot saying it goes on (its room is not
    free there), joined by one spine; overlapping ones get spines of their own."""
    tt = build(days=1, slots_per_day=5, rooms=3, break_after=None)
    tt = lengthen(tt, 2, 2)    # Workshop room, 09:30–11:15
    tt = lengthen(tt, 6, 3)    # Garden, 10:30–13:15: beside session 2 in the second slot
    [pic, *more] = render_timetable(tt, event_name="Camp")
    for p in [pic, *more]:
        _check_page(p)
    boxes = [b for p in [pic, *more] for b in p.boxes]
    rows = {sid: [b for b in boxes if b.session_id == sid] for sid in (2, 6)}
    assert [len(rows[2]), len(rows[6])] == [2, 3]
    assert len({b.room_id for b in rows[6]}) == 1
    assert rows[2][0].text == "Session 2" and rows[2][1].text == "↳ Session 2"
    assert [b.continued for b in rows[6]] == [False, True, True]
    spines = {s.session_id: s for p in [pic, *more] for s in p.spines}
    assert set(spines) == {2, 6} and spines[2].bbox[0] != spines[6].bbox[0]  # two columns
    notes = [t.text for t in pic.texts if t.role == "note"]
    assert any(n.startswith("09:30–11:15") for n in notes)
    assert "continued, until 11:15" in notes and "continued, until 13:15" in notes
    # nothing else is drawn in a long session's room while it runs
    assert [b.session_id for b in boxes if b.room_id == 3] == [3, 6, 6, 6, 15]
    assert "Session 2, 09:30–11:15." in pic.alt and "Session 2 goes on, until 11:15." in pic.alt
    # the rest are as wide as they were less the spines' margin; every row ends at the edge
    assert len({b.bbox[2] for b in boxes}) == 1


def test_alt_text_tells_the_picture_in_words():
    tt = build(days=1, slots_per_day=3, rooms=2)
    [pic] = render_timetable(tt, event_name="Camp")
    assert pic.alt.startswith("Camp: Monday, July 6.")
    assert "Main hall: Session 1." in pic.alt and "Coffee" in pic.alt
    assert len(pic.alt) <= 1024


def test_empty_timetable_still_renders():
    [pic] = render_timetable(PublishedTimetable(1, "UTC", ()))
    assert _size(pic.png) == (pic.width, pic.height) and pic.boxes == () and pic.breaks == ()
    assert pic.day is None and any(t.text == "No days yet." for t in pic.texts)


def test_without_dejavu_pillows_own_font_is_used(monkeypatch):
    from bot.render import timetable_png

    def clear():
        for f in (_fonts.main_face, _fonts.faces, _fonts._pil,
                  timetable_png.measure):
            f.cache_clear()

    clear()
    monkeypatch.setattr(_fonts, "font_file", lambda bold: None)
    try:
        [pic] = render_timetable(build(days=1, slots_per_day=2, rooms=2))
        _check_page(pic)
        names = {r.face.name for t in pic.texts for r in t.runs}
        assert "Pillow default" in names and not any("DejaVu" in n for n in names)
    finally:
        monkeypatch.undo()
        clear()


# ---------------------------------------------------------------- real glyphs, no tofu

def _need(face, package: str):
    if face is None:
        reason = f"the font of Debian's {package} is not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return face


def _notdef(face: _fonts.Face, px: int) -> bytes:
    """What the face draws for a character it has no glyph for (.notdef: the tofu box)."""
    return bytes(face.pil(px).getmask("\U0010fffd"))


@pytest.fixture(scope="module")
def glyphs() -> TimetablePicture:
    _need(_fonts.cjk_face(), "fonts-noto-cjk")
    _need(_fonts.emoji_face(), "fonts-noto-color-emoji")
    tt = build(days=1, slots_per_day=1, rooms=3, break_after=None,
               title=lambda sid: (CJK, EMOJI, "Plain title")[sid - 1])
    tt = _with_attendance(tt, lambda e: 0)  # the palest fill: emoji colours stand out
    [pic] = render_timetable(tt, event_name="Camp")
    _check_page(pic)
    return pic


def test_cjk_title_is_drawn_with_real_glyphs(glyphs):
    (box,) = [b for b in glyphs.boxes if b.title == CJK]
    assert not box.ellipsised and _squash(box.text) == CJK
    faces = {r.face.name for r in box.runs}
    assert faces == {"Noto Sans CJK"}, faces
    for run in box.runs:
        tofu = _notdef(run.face, TITLE_PX)
        for ch in run.text:
            assert run.face.covers(ord(ch)), ch
            assert bytes(run.face.pil(TITLE_PX).getmask(ch)) != tofu, ch
    # and the main font alone would have drawn boxes: the fallback is what made it readable
    main = _fonts.main_face()
    assert not any(main.covers(ord(ch)) for ch in "日本語のセッション")


def test_emoji_title_is_drawn_in_colour_with_real_glyphs(glyphs):
    (box,) = [b for b in glyphs.boxes if b.title == EMOJI]
    emoji = [r for r in box.runs if r.face.name == "Noto Color Emoji"]
    assert "".join(r.text for r in emoji).replace(" ", "") == "🚀🔥👩‍💻🇧🇪"
    assert {r.face.name for r in box.runs if r not in emoji} == {"DejaVu Sans"}
    image = Image.open(io.BytesIO(glyphs.png)).convert("RGB")
    for run in emoji:
        crop = np.asarray(image.crop(tuple(round(v) for v in run.bbox)), dtype=int)
        colourful = (crop.max(axis=2) - crop.min(axis=2)) > 100
        assert colourful.mean() > 0.1, run.text  # in colour, not a grey box
    # one picture per sequence: the technologist and the flag are one glyph each, not parts
    face = emoji[0].face
    one = face.pil(TITLE_PX).getlength("👩‍💻")
    assert one < 1.5 * face.pil(TITLE_PX).getlength("🚀")


def test_every_run_is_drawn_by_a_font_that_has_its_glyphs(glyphs):
    _need(_fonts.cjk_face(), "fonts-noto-cjk")
    tt = build(days=1, slots_per_day=3, rooms=5,
               title=lambda sid: ODD_TITLES[sid % len(ODD_TITLES)])
    for pic in [glyphs, *render_timetable(tt, event_name="Ünïcødé camp 🚀")]:
        for t in pic.texts:
            for run in t.runs:
                for ch in run.text:
                    if ch.isspace() or ch in "\u200d\ufe0f":
                        continue
                    assert run.face.covers(ord(ch)), (t.text, ch, run.face.name)


def test_pillow_draws_the_emoji_font_only_at_its_bitmap_size():
    """Why the emoji runs are drawn at 109 px and scaled: FreeType refuses other sizes."""
    face = _need(_fonts.emoji_face(), "fonts-noto-color-emoji")
    with pytest.raises(OSError):
        ImageFont.truetype(str(face.path), TITLE_PX)
    image, baseline = _fonts.emoji_image("🚀", TITLE_PX)
    assert image.mode == "RGBA" and 0 < baseline < image.height
    assert 0.8 * TITLE_PX <= image.height <= 1.4 * TITLE_PX  # scaled to the text's size


def test_the_picture_speaks_the_servers_language():
    """German: the day named by Babel ("Montag, 6. Juli"), every word drawn in German, the
    same layout as in English."""
    from bot.i18n import language
    de = language("de")
    tt = _with_attendance(build(days=1, slots_per_day=3, rooms=2),
                          lambda e: 0 if e.session_id == 1 else 5)
    [pic] = render_timetable(tt, event_name="Camp", t=de)
    drawn = {t.role: [] for t in pic.texts}
    for t in pic.texts:
        drawn[t.role].append(t.text)
    assert drawn["day"] == ["Montag, 6. Juli"]
    assert drawn["sub"] == ["Zeiten in Europe/Brussels · Zeitplan-Version 1"]
    assert drawn["legend"][0] == "Erwartet:"
    assert set(drawn["note"]) == {"≈5 erwartet"}
    assert pic.alt.startswith("Camp: Montag, 6. Juli.")
    [english] = render_timetable(tt, event_name="Camp")
    assert [b.session_id for b in english.boxes] == [b.session_id for b in pic.boxes]
    [empty] = render_timetable(PublishedTimetable(1, "UTC", ()), t=de)
    assert any(t.text == "Noch keine Tage." for t in empty.texts)
    # an organiser's label is kept, unless it only names the weekday in English
    labelled = replace(tt, days=(replace(tt.days[0], label="Hackday"),))
    [pic] = render_timetable(labelled, t=de)
    assert [t.text for t in pic.texts if t.role == "day"] == ["Hackday · Montag, 6. Juli"]
