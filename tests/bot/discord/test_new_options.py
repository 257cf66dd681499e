"""Every option of the commands of issue 14 (item 1) has a description: Discord shows "…"
otherwise."""

from __future__ import annotations

from discord import app_commands

from bot.discord import availability, constraints, export, moderation, phases, setup


def _leaves(item):
    if isinstance(item, app_commands.Group):
        for child in item.commands:
            yield from _leaves(child)
    else:
        yield item


def test_new_options_are_described() -> None:
    commands = [*_leaves(constraints.session), *_leaves(constraints.admin_session),
                availability.availability, phases.phase, *_leaves(moderation.proposal),
                export.import_event]
    assert len(commands) == 14
    for command in commands:
        assert command.description and command.description != "…", command.qualified_name
        for p in command.parameters:
            assert p.description and p.description != "…", (command.qualified_name, p.name)
    (moderation_channel,) = [p for p in setup.setup_event.parameters
                             if p.name == "moderation_channel"]
    assert moderation_channel.description != "…"
