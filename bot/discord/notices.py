"""After a publish: one direct message per person whose sessions moved (proposers of moved
sessions, and attendees who rated them yes or very), listing all their affected sessions.

A Publisher step. Each notice is claimed in the database per (previous version, new version,
person) before it is sent, so publishing again or restarting never sends it twice; people
whose DMs are closed are recorded and skipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.discord.direct import send_dm
from bot.discord.embeds import CONTENT, discord_time, fit_lines, literal
from bot.discord.languages import language_for
from bot.event import changes
from bot.event.models import SYSTEM, Publication
from bot.i18n import N_, NP_, Message

if TYPE_CHECKING:
    from bot.discord.bot import SchedulerBot


class ChangeNotices:
    def __init__(self, bot: SchedulerBot):
        self.bot = bot

    async def tell_moves(self, done: Publication) -> Message | None:
        """The notices, in the server's language (a DM sent for the server); the organiser's
        line as a `Message`, said in their own."""
        if done.previous_timetable is None:  # nothing published before, or the same version
            return None
        before, after = done.previous_timetable.version_id, done.version.id
        service, store, guild_id = self.bot.service, self.bot.personal, done.guild_id
        found = [m for m in changes.moves(done.previous_timetable, done.timetable)
                 if m.kind in changes.TELL]
        if not found:
            return N_("No session moved, so nobody was told anything.")
        interest = await service.interest_levels(guild_id, SYSTEM,
                                                 [m.session_id for m in found])
        sent = closed = failed = 0
        t = language_for(self.bot.get_guild(guild_id))
        for notice in changes.notices(found, interest):
            user = notice.user_id
            if not await store.claim_notice(guild_id, before, after, user):
                continue  # told already (a retried publish, or before a restart)
            if await store.dms_closed(guild_id, user):
                await store.notice_done(guild_id, before, after, user, "dms-closed")
                closed += 1
                continue
            text = changes.notice_text(notice, discord_time, done.settings.name, literal, t)
            outcome = await send_dm(self.bot, user, fit_lines(text.split("\n"), CONTENT, t))
            if outcome == "failed":
                await store.release_notice(guild_id, before, after, user)
                failed += 1
            elif outcome == "closed":
                await store.mark_dms_closed(guild_id, user)
                await store.notice_done(guild_id, before, after, user, "dms-closed")
                closed += 1
            else:
                await store.notice_done(guild_id, before, after, user, "sent")
                sent += 1
        people = NP_("{n} person", "{n} people", sent)
        line = NP_("{n} session moved: told {people} by direct message.",
                   "{n} sessions moved: told {people} by direct message.", len(found),
                   people=people)
        if closed:
            line = NP_("{n} session moved: told {people} by direct message ({closed} with "
                       "closed DMs not told).",
                       "{n} sessions moved: told {people} by direct message ({closed} with "
                       "closed DMs not told).", len(found), people=people, closed=closed)
        if failed:
            return NP_("{line} {n} message failed: publish again to retry it.",
                       "{line} {n} messages failed: publish again to retry them.", failed,
                       line=line)
        return line
