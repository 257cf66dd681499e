"""Imports point down only: storage, rules and the web pages never import Discord
(docs/architecture.md)."""

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
FORBIDDEN = {
    "storage": ("discord", "bot.discord", "bot.event"),
    "event": ("discord", "bot.discord"),
    "jobs": ("discord", "bot.discord"),
    "render": ("discord", "bot.discord"),
    "web": ("discord", "bot.discord"),
    "i18n": ("discord", "bot.discord", "bot.event", "bot.storage", "bot.jobs", "bot.render"),
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer):
    files = sorted((BOT / layer).rglob("*.py"))
    assert files
    for f in files:
        for name in _imports(f):
            for bad in FORBIDDEN[layer]:
                assert name != bad and not name.startswith(bad + "."), f"{f} imports {name}"
