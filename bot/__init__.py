"""The Discord bot and the event it runs: storage, rules, and a thin Discord layer on top."""
