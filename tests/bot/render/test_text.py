"""Title fitting: wrap on words, cut words that are too long, end cut text with an ellipsis."""

from __future__ import annotations

from bot.render._text import ELLIPSIS, wrap


def measure(text: str) -> float:
    return 10.0 * len(text)  # 10 px per character


def test_short_title_is_one_line():
    assert wrap("Rust in Xen", 200, 3, measure) == (["Rust in Xen"], False)


def test_wraps_on_words_within_width():
    lines, cut = wrap("Live patching the hypervisor", 140, 3, measure)
    assert lines == ["Live patching", "the hypervisor"] and not cut
    assert all(measure(line) <= 140 for line in lines)


def test_too_many_lines_end_in_an_ellipsis_that_fits():
    lines, cut = wrap("one two three four five six seven", 100, 2, measure)
    assert cut and len(lines) == 2 and lines[-1].endswith(ELLIPSIS)
    assert all(measure(line) <= 100 for line in lines)
    assert "one two three four five six seven".replace(" ", "").startswith(
        "".join(lines).rstrip(ELLIPSIS).replace(" ", ""))


def test_a_word_wider_than_the_box_is_split():
    lines, cut = wrap("Supercalifragilistic", 60, 5, measure)
    assert not cut and "".join(lines) == "Supercalifragilistic"
    assert all(measure(line) <= 60 for line in lines)


def test_whitespace_and_newlines_in_titles_are_normalised():
    assert wrap("  a\n\tb  ", 100, 2, measure) == (["a b"], False)
    assert wrap("", 100, 2, measure) == ([], False)


def test_clusters_keep_emoji_sequences_flags_and_accents_whole():
    from bot.render._fonts import clusters

    assert list(clusters("a👩‍💻b")) == ["a", "👩‍💻", "b"]
    assert list(clusters("🇧🇪🇯🇵")) == ["🇧🇪", "🇯🇵"]
    assert list(clusters("e\u0301👍🏽1️⃣")) == ["e\u0301", "👍🏽", "1️⃣"]
    assert list(clusters("日本")) == ["日", "本"]


def test_text_without_spaces_is_cut_between_characters_never_inside_an_emoji():
    text = "日本語のセッション👩‍💻🇧🇪ハイパーバイザー"
    lines, cut = wrap(text, 40, 20, measure)  # 4 characters a line
    assert not cut and "".join(lines) == text
    assert all(measure(line) <= 40 or len(line) == 1 for line in lines)
    assert not any(line.endswith("\u200d") or line.startswith("\u200d") for line in lines)
    assert any("👩‍💻" in line for line in lines) and any("🇧🇪" in line for line in lines)
