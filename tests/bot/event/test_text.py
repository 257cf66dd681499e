import pytest

from bot.event.errors import InvalidInput
from bot.event.text import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    clean_description,
    clean_display_name,
    clean_title,
    title_key,
)


def test_title_is_trimmed_and_inner_whitespace_folded():
    assert clean_title("  Live \u00a0  patching  ") == "Live patching"


@pytest.mark.parametrize("raw", ["", "   ", "\u3000", None, 42])
def test_empty_or_non_text_titles_are_refused(raw):
    with pytest.raises(InvalidInput):
        clean_title(raw)


def test_length_limits_count_characters_after_trimming():
    assert clean_title(" " + "é" * TITLE_MAX + " ") == "é" * TITLE_MAX
    with pytest.raises(InvalidInput, match="limit is 100"):
        clean_title("x" * (TITLE_MAX + 1))
    assert len(clean_description("d" * DESCRIPTION_MAX)) == DESCRIPTION_MAX
    with pytest.raises(InvalidInput, match="1500"):
        clean_description("d" * (DESCRIPTION_MAX + 1))


@pytest.mark.parametrize("raw", ["a\x00b", "a\x07b", "a\nb", "a\rb", "a\x1b[31mb", "a\x7fb"])
def test_control_characters_are_refused_in_titles(raw):
    with pytest.raises(InvalidInput, match="control characters"):
        clean_title(raw)


def test_descriptions_keep_newlines_and_tabs_but_not_other_controls():
    assert clean_description("line 1\r\nline 2\tx") == "line 1\nline 2\tx"
    with pytest.raises(InvalidInput):
        clean_description("a\x00b")


@pytest.mark.parametrize("ch", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
                                "\u202e", "\u2066"])
def test_zero_width_and_bidi_characters_are_refused(ch):
    with pytest.raises(InvalidInput, match="invisible"):
        clean_title(f"Live{ch}patching")
    with pytest.raises(InvalidInput, match="invisible"):
        clean_description(f"Live{ch}patching")


def test_zero_width_joiner_inside_an_emoji_sequence_is_allowed():
    assert clean_title("Coding 👩\u200d💻 together") == "Coding 👩\u200d💻 together"
    with pytest.raises(InvalidInput):
        clean_title("a\u200d💻")


def test_title_key_folds_case_width_and_whitespace():
    assert title_key("Live  Patching") == title_key("live patching")
    assert title_key("ＬＩＶＥ patching") == title_key("live patching")  # full-width (NFKC)
    assert title_key("Straße") == title_key("STRASSE")  # case folding
    assert title_key("ﬁx") == title_key("fix")  # ligature (NFKC)
    assert title_key("live patching") != title_key("live patchings")


def test_display_names_are_tidied_not_refused():
    assert clean_display_name("  Al\u200bice\x00 ") == "Alice"
    assert clean_display_name(None) == ""
    assert len(clean_display_name("x" * 500)) == 100
