"""The model of the event export matches what the storage writes, column for column."""

from __future__ import annotations

from bot.event import export_model
from bot.storage import transfer


def test_the_model_has_exactly_the_exported_tables_and_columns():
    """A column added to the export and forgotten in the model (or the reverse) would be
    refused, or imported unchecked."""
    fields = export_model.Export.model_fields
    assert set(fields) - {"format", "format_version", "event"} == set(transfer.TABLES)
    assert set(export_model.Event.model_fields) == set(transfer._EVENT_COLUMNS)
    for table, (columns, _refs) in transfer.TABLES.items():
        row = fields[table].annotation.__args__[0]
        assert set(row.model_fields) == set(columns), table
