"""Setup checks: what the bot still needs on a server before the event runs smoothly, each
with the step that fixes it. Read from the bot's own view of the server (its cache: roles,
channels, its permissions there), so they cost no request; `/admin setup`, the organiser view
of `/help` and the welcome on joining a server show them."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.discord import embeds
from bot.event.models import EventSettings
from bot.i18n import ENGLISH, N_, Language, Message


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    text: str

    @property
    def line(self) -> str:
        return ("✅ " if self.ok else "❌ ") + self.text


def _words(permission: str) -> str:
    """Discord's name of a permission ("send_messages" → "Send Messages"): Discord shows
    permissions in English in every language's settings screen too."""
    return " ".join(w.capitalize() for w in permission.split("_"))


#: The permissions each channel needs, for what the bot does there.
PROPOSALS_NEEDS = ("view_channel", "send_messages", "embed_links", "create_public_threads",
                   "send_messages_in_threads")
ANNOUNCEMENTS_NEEDS = ("view_channel", "send_messages", "embed_links", "attach_files")
MODERATION_NEEDS = ("view_channel", "send_messages")


def setup_checks(guild: discord.Guild, settings: EventSettings | None,
                 created: discord.Role | None = None, *,
                 language: Language = ENGLISH) -> list[Check]:
    """Every check, in the order an organiser would fix them, in `language`; `settings` None:
    no event yet. `created`: a role just made, which the cache may learn of a moment later."""
    t = language
    me = guild.me
    found: list[Check] = []
    if settings is None:
        found.append(Check(False, t.gettext("No event yet: create it with /admin setup (a name "
                                            "and a time zone; the rest can follow).")))
    perms = me.guild_permissions
    if perms.manage_roles:
        found.append(Check(True, t.gettext("I have Manage Roles (to give the attendee role).")))
    else:
        found.append(Check(False, t.gettext(
            "I lack **Manage Roles**: without it I cannot create the attendee role or give it "
            "to people who /verify. Give it to my role {role} in Server Settings → Roles.",
            role=embeds.literal(me.top_role.name))))
    if settings is None or settings.mirror_events:
        if perms.manage_events:
            found.append(Check(True, t.gettext("I have Manage Events (to mirror sessions as "
                                               "Discord events).")))
        else:
            found.append(Check(False, t.gettext(
                "I lack **Manage Events**: published sessions cannot become Discord events. "
                "Give it to my role, or turn the mirror off with /admin events on:False.")))
    if settings is None:
        return found
    found += _role_checks(guild, settings, created, t)
    found += _channel_checks(guild, settings, t)
    return found


def _role_checks(guild: discord.Guild, settings: EventSettings,
                 created: discord.Role | None, t: Language) -> list[Check]:
    me = guild.me
    out = []
    role_id = settings.verified_role_id
    role = guild.get_role(role_id) if role_id else None
    if role is None and created is not None and created.id == role_id:
        role = created
    if role_id is None:
        if not settings.verification_required:
            out.append(Check(True, t.gettext("No attendee role: /verify gives none.")))
        else:
            out.append(Check(False, t.gettext(
                "No attendee role: /verify gives none; choose one with /admin setup "
                "attendee_role:, or let /admin setup create it.")))
    elif role is None:
        out.append(Check(False, t.gettext("The attendee role was deleted: choose another with "
                                          "/admin setup attendee_role:.")))
    elif role.managed:
        out.append(Check(False, t.gettext(
            "The attendee role {role} belongs to an integration, which nobody can give: choose "
            "another with /admin setup attendee_role:.", role=embeds.literal(role.name))))
    elif role >= me.top_role:
        out.append(Check(False, t.gettext(
            "The attendee role {role} is not below my highest role {mine}, so I cannot give "
            "it: in Server Settings → Roles, drag my role above it.",
            role=embeds.literal(role.name), mine=embeds.literal(me.top_role.name))))
    else:
        out.append(Check(True, t.gettext("I can give the attendee role {role}.",
                                         role=embeds.literal(role.name))))
    organiser_id = settings.organiser_role_id
    if organiser_id is not None and guild.get_role(organiser_id) is None:
        out.append(Check(False, t.gettext("The organiser role was deleted: choose another with "
                                          "/admin setup organiser_role:.")))
    return out


def _missing(t: Language, guild: discord.Guild, channel: discord.abc.GuildChannel,
             needed: tuple[str, ...]) -> str:
    """The permissions the bot lacks in `channel`, bold and comma-separated ("" for none)."""
    allowed = channel.permissions_for(guild.me)
    return ", ".join(f"**{_words(p)}**" for p in needed if not getattr(allowed, p))


@dataclass(frozen=True)
class _ChannelTexts:
    """What a channel's check says: not chosen, deleted, lacking permissions, ready."""
    unset: Message | None  # None: optional, nothing to say
    deleted: Message
    lacking: Message  # {channel}, {permissions}
    ready: Message  # {channel}


_CHANNELS = (
    ("proposals_channel_id", PROPOSALS_NEEDS, _ChannelTexts(
        N_("No proposals channel yet: choose one with /admin setup proposals_channel:."),
        N_("The proposals channel was deleted: choose one with /admin setup "
           "proposals_channel:."),
        N_("In the proposals channel {channel} I lack {permissions}: give them to my role "
           "there (Edit Channel → Permissions)."),
        N_("The proposals channel {channel} is ready."))),
    ("announcements_channel_id", ANNOUNCEMENTS_NEEDS, _ChannelTexts(
        N_("No announcements channel yet: choose one with /admin setup announcements_channel:."),
        N_("The announcements channel was deleted: choose one with /admin setup "
           "announcements_channel:."),
        N_("In the announcements channel {channel} I lack {permissions}: give them to my role "
           "there (Edit Channel → Permissions)."),
        N_("The announcements channel {channel} is ready."))),
    # optional: without one the owner hears by DM instead
    ("moderation_channel_id", MODERATION_NEEDS, _ChannelTexts(
        None,
        N_("The moderation channel was deleted: choose another."),
        N_("In the moderation channel {channel} I lack {permissions}: give them to my role "
           "there (Edit Channel → Permissions)."),
        N_("The moderation channel {channel} is ready."))),
)


def _channel_checks(guild: discord.Guild, settings: EventSettings, t: Language) -> list[Check]:
    """The proposals and announcements channels (needed) and the moderation channel (optional:
    without one the owner hears by DM), each set, still there, and writable."""
    out = []
    for field, needs, says in _CHANNELS:
        channel_id = getattr(settings, field)
        if channel_id is None:
            if says.unset is not None:
                out.append(Check(False, t.text(says.unset)))
            continue
        channel = guild.get_channel(channel_id)
        if channel is None:
            out.append(Check(False, t.text(says.deleted)))
        elif missing := _missing(t, guild, channel, needs):
            out.append(Check(False, t.gettext(says.lacking.singular, channel=channel.mention,
                                              permissions=missing)))
        else:
            out.append(Check(True, t.gettext(says.ready.singular, channel=channel.mention)))
    return out


def checks_embed(found: list[Check], language: Language = ENGLISH) -> discord.Embed:
    """The checks as one embed, what is missing first."""
    ordered = [c for c in found if not c.ok] + [c for c in found if c.ok]
    missing = sum(1 for c in found if not c.ok)
    title = (language.gettext("Setup checks: all good") if not missing
             else language.ngettext("Setup checks: {n} to fix", "Setup checks: {n} to fix",
                                    missing))
    return discord.Embed(title=title, colour=embeds.COLOUR,
                         description=embeds.fit_lines([c.line for c in ordered],
                                                      embeds.DESCRIPTION))
