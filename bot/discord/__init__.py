"""The Discord layer: thin glue between interactions and the EventService, one module per
feature; `bot.py` holds what they share, `commands.py` lists their slash commands."""
