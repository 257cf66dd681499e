"""One-off data fixes run when the rules open a database: title keys stored under the text
rules of an earlier release are recomputed once."""

from __future__ import annotations

from bot.event import EventService
from tests.bot.conftest import ADMIN, GUILD
from tests.bot.helpers import rows


async def test_title_keys_stored_by_an_earlier_release_are_recomputed_once(event, database):
    """Keys that kept an invisible character (the rule before) are folded, so the look-alike
    is now found a duplicate; a key whose new value is another live title's keeps its old
    one; the fix is recorded and not run again."""
    await event.update_settings(GUILD, ADMIN, verification_required=False)
    plain = await event.propose(GUILD, ADMIN, "Kernel talk", "x")
    lone = await event.propose(GUILD, ADMIN, "Rust\u2800", "x")
    twin = await event.propose(GUILD, ADMIN, "Other", "x")

    async def as_before(conn):  # what the earlier rule stored
        await conn.execute("UPDATE sessions SET title = ?, title_key = ? WHERE id = ?",
                           ("Kernel talk\u034f", "kernel talk\u034f", twin.id))
        await conn.execute("UPDATE sessions SET title_key = ? WHERE id = ?",
                           ("rust\u2800", lone.id))
        await conn.execute("DELETE FROM maintenance")
    await event.db.write(as_before)
    await event.close()
    async with await EventService.open(database) as reopened:
        keys = {r["id"]: r["title_key"] for r in await rows(
            reopened.db, "SELECT id, title_key FROM sessions")}
        assert keys[lone.id] == "rust"
        assert keys[twin.id] == "kernel talk\u034f"  # "kernel talk" is the other's
        assert keys[plain.id] == "kernel talk"
        done = await rows(reopened.db, "SELECT name FROM maintenance")
        assert [r["name"] for r in done] == ["title-keys-ignorables"]
