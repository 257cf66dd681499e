"""Storage: the database behind the events, SQLite or PostgreSQL. All SQL of the bot lives in
this package: the engines (`sqlite.py`, `postgresql.py`) behind one interface (`database.py`),
the migrations, and one module of queries per group of tables."""

from bot.storage.database import (
    DEFAULT_DATABASE_PATH,
    BackupUnsupported,
    BadData,
    Database,
    DatabaseUnavailable,
    Row,
    Tx,
    is_postgresql,
    now_text,
    open_database,
)
from bot.storage.migrations import DatabaseTooNew

__all__ = ["DEFAULT_DATABASE_PATH", "BackupUnsupported", "BadData", "Database", "DatabaseTooNew",
           "DatabaseUnavailable", "Row", "Tx", "is_postgresql", "now_text", "open_database"]
