"""The Discord layer: thin glue between interactions and the EventService."""
