"""Setup checks: what the bot still needs on a server before the event runs smoothly, each
with the step that fixes it. Read from the bot's own view of the server (its cache: roles,
channels, its permissions there), so they cost no request; `/admin setup`, the organiser view
of `/help` and the welcome on joining a server show them."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.discord import embeds
from bot.event.models import EventSettings

#: What each channel is for, and what the bot does there.
PROPOSALS = ("proposals channel", "proposals_channel",
             ("view_channel", "send_messages", "embed_links", "create_public_threads",
              "send_messages_in_threads"))
ANNOUNCEMENTS = ("announcements channel", "announcements_channel",
                 ("view_channel", "send_messages", "embed_links", "attach_files"))
MODERATION = ("moderation channel", None, ("view_channel", "send_messages"))


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    text: str

    @property
    def line(self) -> str:
        return ("✅ " if self.ok else "❌ ") + self.text


def _words(permission: str) -> str:
    """Discord's name of a permission ("send_messages" → "Send Messages")."""
    return " ".join(w.capitalize() for w in permission.split("_"))


def setup_checks(guild: discord.Guild, settings: EventSettings | None,
                 created: discord.Role | None = None) -> list[Check]:
    """Every check, in the order an organiser would fix them; `settings` None: no event yet.
    `created`: a role just made, which the cache may learn of a moment later."""
    me = guild.me
    found: list[Check] = []
    if settings is None:
        found.append(Check(False, "No event yet: create it with /admin setup (a name and a "
                                  "time zone; the rest can follow)."))
    perms = me.guild_permissions
    if perms.manage_roles:
        found.append(Check(True, "I have Manage Roles (to give the attendee role)."))
    else:
        found.append(Check(False, "I lack **Manage Roles**: without it I cannot create the "
                                  "attendee role or give it to people who /verify. Give it to "
                                  f"my role {embeds.literal(me.top_role.name)} in Server "
                                  "Settings → Roles."))
    if settings is None or settings.mirror_events:
        if perms.manage_events:
            found.append(Check(True, "I have Manage Events (to mirror sessions as Discord "
                                     "events)."))
        else:
            found.append(Check(False, "I lack **Manage Events**: published sessions cannot "
                                      "become Discord events. Give it to my role, or turn the "
                                      "mirror off with /admin events on:False."))
    if settings is None:
        return found
    found += _role_checks(guild, settings, created)
    for (what, option, needed), channel_id in (
            (PROPOSALS, settings.proposals_channel_id),
            (ANNOUNCEMENTS, settings.announcements_channel_id),
            (MODERATION, settings.moderation_channel_id)):
        if option is None and channel_id is None:
            continue  # optional: the owner hears by DM instead
        found.append(_channel_check(guild, what, option, needed, channel_id))
    return found


def _role_checks(guild: discord.Guild, settings: EventSettings,
                 created: discord.Role | None) -> list[Check]:
    me = guild.me
    out = []
    role_id = settings.verified_role_id
    role = guild.get_role(role_id) if role_id else None
    if role is None and created is not None and created.id == role_id:
        role = created
    if role_id is None:
        ok = not settings.verification_required
        out.append(Check(ok, "No attendee role: /verify gives none" + (
            "." if ok else "; choose one with /admin setup attendee_role:, or let /admin setup "
                           "create it.")))
    elif role is None:
        out.append(Check(False, "The attendee role was deleted: choose another with /admin "
                                "setup attendee_role:."))
    elif role.managed:
        out.append(Check(False, f"The attendee role {embeds.literal(role.name)} belongs to an "
                                "integration, which nobody can give: choose another with "
                                "/admin setup attendee_role:."))
    elif role >= me.top_role:
        out.append(Check(False, f"The attendee role {embeds.literal(role.name)} is not below my "
                                f"highest role {embeds.literal(me.top_role.name)}, so I cannot "
                                "give it: in Server Settings → Roles, drag my role above it."))
    else:
        out.append(Check(True, f"I can give the attendee role {embeds.literal(role.name)}."))
    organiser_id = settings.organiser_role_id
    if organiser_id is not None and guild.get_role(organiser_id) is None:
        out.append(Check(False, "The organiser role was deleted: choose another with /admin "
                                "setup organiser_role:."))
    return out


def _channel_check(guild: discord.Guild, what: str, option: str | None,
                   needed: tuple[str, ...], channel_id: int | None) -> Check:
    choose = f"choose one with /admin setup {option}:" if option else ""
    if channel_id is None:
        return Check(False, f"No {what} yet: {choose}.")
    channel = guild.get_channel(channel_id)
    if channel is None:
        return Check(False, f"The {what} was deleted: {choose or 'choose another'}.")
    allowed = channel.permissions_for(guild.me)
    missing = [_words(p) for p in needed if not getattr(allowed, p)]
    if missing:
        return Check(False, f"In the {what} <#{channel.id}> I lack " + ", ".join(
            f"**{m}**" for m in missing) + ": give them to my role there (Edit Channel → "
                                           "Permissions).")
    return Check(True, f"The {what} <#{channel.id}> is ready.")


def checks_embed(found: list[Check]) -> discord.Embed:
    """The checks as one embed, what is missing first."""
    ordered = [c for c in found if not c.ok] + [c for c in found if c.ok]
    missing = sum(1 for c in found if not c.ok)
    title = "Setup checks: all good" if not missing else f"Setup checks: {missing} to fix"
    return discord.Embed(title=title, colour=embeds.COLOUR,
                         description=embeds.fit_lines([c.line for c in ordered],
                                                      embeds.DESCRIPTION))
