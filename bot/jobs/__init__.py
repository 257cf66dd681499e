"""Timed work, without Discord: announcements and personal reminders as APScheduler jobs,
re-armed from the database (each sent once, claimed in the database before sending)."""
