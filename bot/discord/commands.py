"""Every slash command, gathered from the feature modules that hold them.

`/admin` is one group: each feature module defines its organiser commands and subgroups on
their own, and they are added here, once, at import. The group is hidden from members without
Manage Server (a default a server can override), so every admin command checks again
(`checks.admin_actor`).
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord import (
    export,
    interest,
    mirror,
    proposals,
    published,
    reminders,
    scheduling,
    setup,
    timetable,
    verification,
)
from bot.discord.help import help_command

admin = app_commands.Group(name="admin", description="Run the event", guild_only=True,
                           allowed_contexts=app_commands.AppCommandContext(guild=True),
                           default_permissions=discord.Permissions(manage_guild=True))
for _command in (setup.setup_event, verification.code, timetable.day, timetable.slot,
                 timetable.room, timetable.timetable, proposals.proposal, scheduling.schedule,
                 mirror.events, export.export, export.export_calendar, export.backup):
    admin.add_command(_command)

#: Synced in this order.
COMMANDS: tuple[app_commands.Command | app_commands.Group, ...] = (
    help_command, verification.verify, proposals.propose, proposals.sessions, interest.interest,
    proposals.edit, proposals.withdraw, published.schedule, published.myschedule, admin,
    reminders.remind)
