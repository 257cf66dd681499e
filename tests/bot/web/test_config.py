"""The `[web]` settings: off by default, checked where they enter (config.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

EXAMPLE = Path(__file__).resolve().parents[3] / "config.example.toml"


def test_off_by_default_and_the_example_loads():
    assert not load_settings(None, env={}).web.enabled
    web = load_settings(EXAMPLE, env={}).web
    assert not web.enabled and web.host == "127.0.0.1" and web.public_base == \
        "http://127.0.0.1:8080"


def test_base_url_is_where_links_point(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[web]\nenabled = true\nbase_url = "https://schedule.example.org/"\n')
    web = load_settings(path, env={}).web
    assert web.enabled and web.public_base == "https://schedule.example.org"


@pytest.mark.parametrize("body, key", [
    ('base_url = "schedule.example.org"', "web.base_url"),
    ('base_url = "javascript:alert(1)"', "web.base_url"),
    ('base_url = "https://x.org/?a=1"', "web.base_url"),
    ("port = 70000", "web.port"),
    ("requests_per_minute = 0", "web.requests_per_minute"),
    ("listen = 1", "web.listen"),
])
def test_bad_web_settings_name_the_key(tmp_path, body, key):
    path = tmp_path / "config.toml"
    path.write_text(f"[web]\n{body}\n")
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_settings(path, env={})
