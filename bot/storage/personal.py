"""Records of personal messages: reminder opt-ins, closed DMs, and the reminders and change
notices already sent (claimed in the database *before* sending, so a restart or a retried
publish never sends one twice; released again when sending failed for a passing reason).

The bot's own records, one transaction per call; the one rule an attendee acts on (turning
reminders on or off) is `EventService.set_reminders`, which writes through `save_prefs`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.database import Database, Tx, claim, now_text

DEFAULT_MINUTES = 10


@dataclass(frozen=True, slots=True)
class ReminderPrefs:
    enabled: bool
    minutes_before: int
    dms_closed: bool  # the last DM failed with "cannot send messages to this user"
    previous: ReminderPrefs | None = None  # after a change: what they were before it


async def prefs(conn: Tx, guild_id: int, user_id: int) -> ReminderPrefs:
    row = await conn.fetchone(
        "SELECT p.enabled, p.minutes_before, d.closed_at FROM (SELECT 1) AS one "
        "LEFT JOIN reminder_prefs p ON p.guild_id = ? AND p.user_id = ? "
        "LEFT JOIN dms_closed d ON d.guild_id = ? AND d.user_id = ?",
        (guild_id, user_id, guild_id, user_id))
    return ReminderPrefs(bool(row["enabled"]), row["minutes_before"] or DEFAULT_MINUTES,
                         row["closed_at"] is not None)


async def save_prefs(conn: Tx, guild_id: int, user_id: int, enabled: bool,
                     minutes: int) -> None:
    """Store the user's choice; turning reminders on also forgets that their DMs were closed,
    so the bot tries again."""
    await conn.execute(
        "INSERT INTO reminder_prefs (guild_id, user_id, enabled, minutes_before, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "enabled = excluded.enabled, minutes_before = excluded.minutes_before, "
        "updated_at = excluded.updated_at", (guild_id, user_id, enabled, minutes, now_text()))
    if enabled:
        await conn.execute("DELETE FROM dms_closed WHERE guild_id = ? AND user_id = ?",
                           (guild_id, user_id))


class PersonalStore:
    def __init__(self, db: Database):
        self.db = db

    async def _write(self, guild_id: int, sql: str, params: tuple) -> int:
        return await self.db.write(lambda conn: conn.execute(sql, params), guild=guild_id)

    # ------------------------------------------------------------------------- reminders

    async def reminder_users(self, guild_id: int) -> dict[int, int]:
        """user id → minutes before, for everyone with reminders on and DMs not closed."""
        rows = await self.db.read(lambda conn: conn.fetchall(
            "SELECT p.user_id, p.minutes_before FROM reminder_prefs p "
            "WHERE p.guild_id = ? AND p.enabled AND NOT EXISTS (SELECT 1 FROM dms_closed d "
            "WHERE d.guild_id = p.guild_id AND d.user_id = p.user_id) ORDER BY p.user_id",
            (guild_id,)))
        return {r["user_id"]: r["minutes_before"] for r in rows}

    async def claim_reminder(self, guild_id: int, user_id: int, slot_id: int,
                             session_id: int, holder: str, take_over: tuple[str, str]) -> bool:
        """True exactly once per (guild, user, slot): the caller, `holder`, then sends the
        reminder and records its outcome. A claim another holder left sending (a process
        killed meanwhile) is taken over when it was made within `take_over` (from, to)."""
        return await self.db.write(lambda conn: claim(
            conn, "INSERT INTO sent_reminders (guild_id, user_id, slot_id, session_id, sent_at, "
            "holder) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, user_id, slot_id, session_id, now_text(), holder),
            take_over=("sent_reminders", "guild_id, user_id, slot_id", take_over)),
            guild=guild_id)

    async def reminder_done(self, guild_id: int, user_id: int, slot_id: int,
                            outcome: str) -> None:
        await self._write(guild_id, "UPDATE sent_reminders SET outcome = ?, holder = NULL "
                          "WHERE guild_id = ? AND user_id = ? AND slot_id = ?",
                          (outcome, guild_id, user_id, slot_id))

    async def release_reminder(self, guild_id: int, user_id: int, slot_id: int) -> None:
        await self._write(guild_id, "DELETE FROM sent_reminders WHERE guild_id = ? "
                          "AND user_id = ? AND slot_id = ?", (guild_id, user_id, slot_id))

    async def sent_reminders(self, guild_id: int) -> list[tuple[int, int, int, str]]:
        """(user, slot, session, outcome) of every reminder claimed so far."""
        rows = await self.db.read(lambda conn: conn.fetchall(
            "SELECT user_id, slot_id, session_id, outcome FROM sent_reminders "
            "WHERE guild_id = ? ORDER BY slot_id, user_id", (guild_id,)))
        return [(r["user_id"], r["slot_id"], r["session_id"], r["outcome"]) for r in rows]

    # ------------------------------------------------------------------------ closed DMs

    async def dms_closed(self, guild_id: int, user_id: int) -> bool:
        return (await self.db.read(lambda conn: prefs(conn, guild_id, user_id))).dms_closed

    async def mark_dms_closed(self, guild_id: int, user_id: int) -> None:
        await self._write(guild_id, "INSERT INTO dms_closed (guild_id, user_id, closed_at) "
                          "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                          (guild_id, user_id, now_text()))

    # --------------------------------------------------------------------------- notices

    async def claim_notice(self, guild_id: int, from_version: int, to_version: int,
                           user_id: int) -> bool:
        """True exactly once per (guild, published change, user)."""
        return await self.db.write(lambda conn: claim(
            conn, "INSERT INTO sent_notices (guild_id, from_version, to_version, user_id, "
            "sent_at) VALUES (?, ?, ?, ?, ?)",
            (guild_id, from_version, to_version, user_id, now_text())), guild=guild_id)

    async def notice_done(self, guild_id: int, from_version: int, to_version: int,
                          user_id: int, outcome: str) -> None:
        await self._write(guild_id, "UPDATE sent_notices SET outcome = ? WHERE guild_id = ? "
                          "AND from_version = ? AND to_version = ? AND user_id = ?",
                          (outcome, guild_id, from_version, to_version, user_id))

    async def release_notice(self, guild_id: int, from_version: int, to_version: int,
                             user_id: int) -> None:
        await self._write(guild_id, "DELETE FROM sent_notices WHERE guild_id = ? "
                          "AND from_version = ? AND to_version = ? AND user_id = ?",
                          (guild_id, from_version, to_version, user_id))

    async def sent_notices(self, guild_id: int) -> list[tuple[int, int, int, str]]:
        """(from version, to version, user, outcome) of every notice claimed so far."""
        rows = await self.db.read(lambda conn: conn.fetchall(
            "SELECT from_version, to_version, user_id, outcome FROM sent_notices "
            "WHERE guild_id = ? ORDER BY to_version, user_id", (guild_id,)))
        return [(r["from_version"], r["to_version"], r["user_id"], r["outcome"]) for r in rows]
