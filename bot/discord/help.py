"""Help and onboarding: `/help` in an attendee view and an organiser view (Manage Server
only, with the setup checks), and the welcome the bot posts when it joins a server.

The first steps are written here; the lists of commands are read from the command tree as
synced, with their own descriptions, so they never name a command that does not exist."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.discord import embeds
from bot.discord.checks import guild_id_of, has_manage_guild
from bot.discord.direct import send_dm
from bot.discord.errors import NO_MENTIONS, Refused, say_messages
from bot.discord.languages import NAME_CONTEXT, language_for
from bot.discord.setup_checks import checks_embed, setup_checks
from bot.event.errors import EventError
from bot.event.models import EventSettings
from bot.event.text import cut
from bot.i18n import ENGLISH, N_, Language

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot

log = logging.getLogger(__name__)
ORGANISER_ONLY_TEXT = N_("The organiser view is for members with the Manage Server permission; "
                         "/help view:attendee shows how to take part.")
ORGANISER_ONLY = str(ORGANISER_ONLY_TEXT)  # the English


def mention(channel_id: int) -> str:
    """A channel as Discord shows it: its name, a link."""
    return f"<#{channel_id}>"


def attendee_steps(settings: EventSettings | None, language: Language = ENGLISH, *,
                   web: bool = False) -> list[str]:
    """How to take part, with this event's channels and whether it asks for a code; `web`:
    the bot serves its web pages (/myschedule gives their links)."""
    t = language
    if settings is None:
        return [t.gettext("This server has no event yet: its organisers start one with "
                          "/admin setup.")]
    steps = []
    if settings.verification_required:
        steps.append(t.gettext("Join as an attendee: /verify with the code the organisers "
                               "share."))
    steps.append(t.gettext("Propose a session with /propose; /sessions lists them all, /edit "
                           "and /withdraw change your own."))
    if settings.proposals_channel_id:
        steps.append(t.gettext(
            "Say what you would like to attend with /interest, or with the buttons under each "
            "session in {channel}: ★★ very, ★ yes, ☆ a little. The timetable is made to fit "
            "what people want.", channel=mention(settings.proposals_channel_id)))
    else:
        steps.append(t.gettext(
            "Say what you would like to attend with /interest, or with the buttons under each "
            "session in the proposals channel: ★★ very, ★ yes, ☆ a little. The timetable is "
            "made to fit what people want."))
    if settings.announcements_channel_id:
        steps.append(t.gettext(
            "Once the timetable is published (in {channel}): /schedule shows it with your "
            "choices marked, /myschedule your own day with a calendar file, and /remind on "
            "sends you a direct message before each of your sessions.",
            channel=mention(settings.announcements_channel_id)))
    else:
        steps.append(t.gettext(
            "Once the timetable is published (in the announcements channel): /schedule shows "
            "it with your choices marked, /myschedule your own day with a calendar file, and "
            "/remind on sends you a direct message before each of your sessions."))
    if web:
        steps.append(t.gettext(
            "On the web: /myschedule also gives the timetable's address to share, and your "
            "private page with a calendar feed to subscribe to (`link: new` replaces it, "
            "`link: off` stops it)."))
    return steps


def organiser_steps(language: Language = ENGLISH) -> tuple[str, ...]:
    t = language
    return (
        t.gettext("Create the event: /admin setup with a name, the time zone, the proposals "
                  "and announcements channels (it creates an attendee role unless you choose "
                  "one)."),
        t.gettext("Days, slots and rooms: /admin timetable import with a TOML file, or /admin "
                  "day add, /admin slot add and /admin room add; check them with /admin "
                  "timetable show."),
        t.gettext("Let people in: share the code (/admin code show), or let everyone take "
                  "part without one (/admin code required on:False). Proposals from people "
                  "who have not verified wait for /admin proposal approve."),
        t.gettext("Schedule: /admin schedule run computes a timetable and shows it to you "
                  "alone, with what to fix; /admin schedule preview shows any version again; "
                  "/admin schedule publish posts it for everyone (re-publishing tells people "
                  "what moved). Rooms' capacities count when placing sessions; /admin "
                  "schedule seats on:False only reports them."),
        t.gettext("Keep a copy: /admin export (a JSON file) and /admin backup."),
    )


ORGANISER_STEPS = organiser_steps()  # the English


def command_lines(tree: app_commands.CommandTree, *, admin: bool,
                  language: Language = ENGLISH) -> list[str]:
    """One line per command of the tree (the organiser ones, or the others), with its name
    and description as Discord shows them to a reader of `language`."""
    lines = []
    for top in tree.get_commands():
        is_admin = top.name == "admin"
        if is_admin != admin or not isinstance(top, app_commands.Command | app_commands.Group):
            continue
        found = [top] if isinstance(top, app_commands.Command) else [
            c for c in top.walk_commands() if isinstance(c, app_commands.Command)]
        lines += [f"**/{_name(c, language)}**: {language.gettext(c.description)}"
                  for c in found]
    return lines


def _name(command: app_commands.Command, language: Language) -> str:
    """The command's full name as the reader's client shows it (the catalog's names)."""
    return " ".join(language.pgettext(NAME_CONTEXT, part)
                    for part in command.qualified_name.split())


def _numbered(steps: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))


def help_embeds(bot: SchedulerBot, settings: EventSettings | None,
                guild: discord.Guild | None, view: Literal["attendee", "organiser"],
                language: Language = ENGLISH) -> list[discord.Embed]:
    t = language
    if view == "attendee":
        web = bot.web.server is not None
        steps = _numbered(attendee_steps(settings, t, web=web))
        title = (t.gettext("Taking part in {event}", event=embeds.literal(settings.name))
                 if settings else t.gettext("Taking part in this server's event"))
        return [discord.Embed(title=cut(title, 256), colour=embeds.COLOUR, description=steps),
                *embeds.described(t.gettext("Commands"),
                                  command_lines(bot.tree, admin=False, language=t))]
    found = [discord.Embed(title=t.gettext("Running the event: first steps"),
                           colour=embeds.COLOUR, description=_numbered(organiser_steps(t)))
             .set_footer(text=t.gettext("/help view:attendee shows what attendees read")),
             *embeds.described(t.gettext("Organiser commands"),
                               command_lines(bot.tree, admin=True, language=t))]
    if guild is not None:
        found.append(checks_embed(setup_checks(guild, settings, language=t), t))
    return found


async def _settings(bot: SchedulerBot, guild_id: int) -> EventSettings | None:
    try:
        return await bot.gate_settings(guild_id)
    except EventError:  # no event yet
        return None


@app_commands.command(name="help", description="How to take part, or (organisers) how to run "
                                               "the event")
@app_commands.describe(view="attendee: how to take part; organiser: first steps, commands "
                            "and setup checks (Manage Server)")
@app_commands.guild_only()
async def help_command(interaction: discord.Interaction[SchedulerBot],
                       view: Literal["attendee", "organiser"] | None = None) -> None:
    guild_id = guild_id_of(interaction)
    manager = has_manage_guild(interaction)
    if view is None:
        view = "organiser" if manager else "attendee"
    if view == "organiser" and not manager:
        raise Refused(ORGANISER_ONLY_TEXT)
    bot = interaction.client
    found = help_embeds(bot, await _settings(bot, guild_id), interaction.guild, view,
                        language_for(interaction))
    await say_messages(interaction, "", embeds.split_messages(found))


def welcome_message(language: Language = ENGLISH) -> str:
    t = language
    return "\n\n".join((
        t.gettext("Hello! I schedule unconference sessions: people propose sessions and say "
                  "which they want to attend, and I compute a timetable that fits as many "
                  "wishes as I can, then post it and remind people."),
        t.gettext("**First steps** (for members with Manage Server):") + "\n"
        + _numbered(organiser_steps(t)[:2]),
        t.gettext("/help shows everything, for organisers and for attendees.")))


WELCOME = welcome_message()  # the English


def welcome_text(guild: discord.Guild) -> str:
    """The welcome, in the server's language, with the setup checks of a server that has no
    event yet."""
    t = language_for(guild)
    checks = "\n".join(c.line for c in setup_checks(guild, None, language=t))
    heading = t.gettext("Setup checks")
    return cut(f"{welcome_message(t)}\n\n**{heading}**\n{checks}", embeds.CONTENT)


def welcome_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """Where the welcome goes: the server's system channel, else its first text channel I may
    write in; None when there is none."""
    me = guild.me

    def writable(c: discord.TextChannel | None) -> bool:
        allowed = c.permissions_for(me) if c is not None else None
        return bool(allowed and allowed.view_channel and allowed.send_messages)

    if writable(guild.system_channel):
        return guild.system_channel
    return next((c for c in guild.text_channels if writable(c)), None)


async def welcome(bot: SchedulerBot, guild: discord.Guild) -> None:
    """Posted once, when the bot joins a server: in a channel, else to its owner by DM."""
    text = welcome_text(guild)
    channel = welcome_channel(guild)
    if channel is not None:
        try:
            await channel.send(text, allowed_mentions=NO_MENTIONS)
            return
        except discord.HTTPException as e:
            log.warning("could not post the welcome in %s: %s", channel.id, e)
    if guild.owner_id is None or await send_dm(bot, guild.owner_id, text) != "sent":
        log.warning("could not welcome server %s: no channel to write in, no DM", guild.id)
