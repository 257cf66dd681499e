"""SQL for personal messages: reminder opt-ins, closed DMs, reminders and change notices sent,
and each run's baseline (what keeping the published timetable was worth)."""

from __future__ import annotations

import sqlite3

# --------------------------------------------------------------------------- reminder prefs

def reminder_pref(conn: sqlite3.Connection, guild_id: int, user_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT enabled, minutes_before FROM reminder_prefs WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id)).fetchone()


def set_reminder_pref(conn: sqlite3.Connection, guild_id: int, user_id: int, enabled: bool,
                      minutes: int, now: str) -> None:
    conn.execute(
        "INSERT INTO reminder_prefs (guild_id, user_id, enabled, minutes_before, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "enabled = excluded.enabled, minutes_before = excluded.minutes_before, "
        "updated_at = excluded.updated_at", (guild_id, user_id, int(enabled), minutes, now))


def reminder_users(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    """Users with reminders on whose DMs are not known to be closed."""
    return conn.execute(
        "SELECT p.user_id, p.minutes_before FROM reminder_prefs p "
        "WHERE p.guild_id = ? AND p.enabled = 1 AND NOT EXISTS (SELECT 1 FROM dms_closed d "
        "WHERE d.guild_id = p.guild_id AND d.user_id = p.user_id) ORDER BY p.user_id",
        (guild_id,)).fetchall()


# ------------------------------------------------------------------------------ closed DMs

def dms_closed_at(conn: sqlite3.Connection, guild_id: int, user_id: int) -> str | None:
    row = conn.execute("SELECT closed_at FROM dms_closed WHERE guild_id = ? AND user_id = ?",
                       (guild_id, user_id)).fetchone()
    return row[0] if row else None


def mark_dms_closed(conn: sqlite3.Connection, guild_id: int, user_id: int, now: str) -> None:
    conn.execute("INSERT OR IGNORE INTO dms_closed (guild_id, user_id, closed_at) "
                 "VALUES (?, ?, ?)", (guild_id, user_id, now))


def clear_dms_closed(conn: sqlite3.Connection, guild_id: int, user_id: int) -> None:
    conn.execute("DELETE FROM dms_closed WHERE guild_id = ? AND user_id = ?",
                 (guild_id, user_id))


# ------------------------------------------------------------------------ sent reminders

def claim_reminder(conn: sqlite3.Connection, guild_id: int, user_id: int, slot_id: int,
                   session_id: int, now: str) -> bool:
    cur = conn.execute(
        "INSERT OR IGNORE INTO sent_reminders (guild_id, user_id, slot_id, session_id, sent_at) "
        "VALUES (?, ?, ?, ?, ?)", (guild_id, user_id, slot_id, session_id, now))
    return cur.rowcount == 1


def set_reminder_outcome(conn: sqlite3.Connection, guild_id: int, user_id: int, slot_id: int,
                         outcome: str) -> None:
    conn.execute("UPDATE sent_reminders SET outcome = ? WHERE guild_id = ? AND user_id = ? "
                 "AND slot_id = ?", (outcome, guild_id, user_id, slot_id))


def unclaim_reminder(conn: sqlite3.Connection, guild_id: int, user_id: int,
                     slot_id: int) -> None:
    conn.execute("DELETE FROM sent_reminders WHERE guild_id = ? AND user_id = ? AND slot_id = ?",
                 (guild_id, user_id, slot_id))


def sent_reminders(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT user_id, slot_id, session_id, outcome FROM sent_reminders WHERE guild_id = ? "
        "ORDER BY slot_id, user_id", (guild_id,)).fetchall()


# -------------------------------------------------------------------------- sent notices

def claim_notice(conn: sqlite3.Connection, guild_id: int, from_version: int, to_version: int,
                 user_id: int, now: str) -> bool:
    cur = conn.execute(
        "INSERT OR IGNORE INTO sent_notices (guild_id, from_version, to_version, user_id, "
        "sent_at) VALUES (?, ?, ?, ?, ?)", (guild_id, from_version, to_version, user_id, now))
    return cur.rowcount == 1


def set_notice_outcome(conn: sqlite3.Connection, guild_id: int, from_version: int,
                       to_version: int, user_id: int, outcome: str) -> None:
    conn.execute("UPDATE sent_notices SET outcome = ? WHERE guild_id = ? AND from_version = ? "
                 "AND to_version = ? AND user_id = ?",
                 (outcome, guild_id, from_version, to_version, user_id))


def unclaim_notice(conn: sqlite3.Connection, guild_id: int, from_version: int, to_version: int,
                   user_id: int) -> None:
    conn.execute("DELETE FROM sent_notices WHERE guild_id = ? AND from_version = ? "
                 "AND to_version = ? AND user_id = ?",
                 (guild_id, from_version, to_version, user_id))


def sent_notices(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT from_version, to_version, user_id, outcome FROM sent_notices WHERE guild_id = ? "
        "ORDER BY to_version, user_id", (guild_id,)).fetchall()


# ---------------------------------------------------------------------------- baselines

def set_baseline(conn: sqlite3.Connection, version_id: int, based_on: int,
                 kept_utility: int) -> None:
    conn.execute("INSERT OR REPLACE INTO version_baselines (version_id, based_on, kept_utility) "
                 "VALUES (?, ?, ?)", (version_id, based_on, kept_utility))


def baseline(conn: sqlite3.Connection, guild_id: int, version_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT b.based_on, b.kept_utility FROM version_baselines b "
        "JOIN schedule_versions v ON v.id = b.version_id WHERE v.guild_id = ? AND v.id = ?",
        (guild_id, version_id)).fetchone()
