"""Storage: the SQLite database behind the event. All SQL of the bot lives in this package."""

from bot.storage.database import DEFAULT_DATABASE_PATH, Database, DatabaseTooNew

__all__ = ["DEFAULT_DATABASE_PATH", "Database", "DatabaseTooNew"]
