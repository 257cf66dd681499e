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


@pytest.mark.parametrize("ch", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                "\u2067", "\u2068", "\u2069"])
def test_bidi_embeddings_overrides_and_isolates_are_refused(ch):
    with pytest.raises(InvalidInput, match="direction"):
        clean_title(f"Live{ch}patching")
    with pytest.raises(InvalidInput, match="direction"):
        clean_description(f"Live{ch}patching")


@pytest.mark.parametrize("title", [
    "می\u200cخواهم یاد بگیرم",                      # Persian: zero-width non-joiner
    "שלום\u200f עולם",                              # Hebrew: right-to-left mark
    "क्\u200dष और संस्कृत",                           # Devanagari: zero-width joiner
    "Coding 👩\u200d💻 together",                    # emoji ZWJ sequence
    "🇧🇪 Belgian flag",                              # regional indicators
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f England",  # emoji tags
    "I ❤\ufe0f Xen",                                 # variation selector
])
def test_real_languages_and_emoji_sequences_are_kept_as_typed(title):
    assert clean_title(title) == title
    assert clean_description(title) == title


@pytest.mark.parametrize("ch", ["\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u17b4",
                                "\u180b", "\ufe0f", "\ufe00", "\u2800", "\u200b", "\u2060",
                                "\ufeff", "\u00ad", "\u200d", "\u200c", "\U000e0041"])
def test_invisible_characters_make_no_new_title(ch):
    """Look-alikes of an existing title are its duplicates; alone they show nothing."""
    assert title_key(f"Live{ch}patching") == title_key("Livepatching")
    assert title_key(f"Live patching{ch}") == title_key("live patching")
    for blank in (ch, f" {ch} ", ch * 3):
        with pytest.raises(InvalidInput, match="empty"):
            clean_title(blank)


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


def test_refusals_name_the_field_in_the_readers_language():
    """A refusal is kept as a message and shown in whichever language reads it, the field's
    name too."""
    from bot.i18n import language
    with pytest.raises(InvalidInput) as refused:
        clean_title("   ")
    assert refused.value.user_message == "The title must not be empty (it shows nothing)."
    assert language("de").text(refused.value.message) == (
        "Das Feld „Titel“ darf nicht leer sein (es zeigt nichts).")
    with pytest.raises(InvalidInput) as refused:
        clean_description("d" * (DESCRIPTION_MAX + 1))
    assert language("de").text(refused.value.message) == (
        "Das Feld „Beschreibung“ ist 1501 Zeichen lang; erlaubt sind 1500.")
