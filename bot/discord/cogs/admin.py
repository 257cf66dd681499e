"""Organiser commands under /admin. Hidden by default from members without Manage Server
(default_permissions) and checked again here for every call (admin_actor)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
import zoneinfo
from datetime import UTC, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.checks import admin_actor
from bot.discord.cogs.attendee import _session_id
from bot.discord.errors import Refused, say
from bot.discord.itinerary import timetable_file
from bot.discord.preview import preview_message
from bot.discord.views import session_choices
from bot.event.errors import InvalidInput
from bot.event.solving import SolveProgress

NO_MENTIONS = discord.AllowedMentions.none()
MAX_TOML_BYTES = 200_000
_ZONES = sorted(zoneinfo.available_timezones())
PROGRESS_EVERY = 1.0  # seconds between edits of the progress message


def _on_off(v: bool) -> str:
    return "on" if v else "off"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Admin(commands.GroupCog, group_name="admin", group_description="Run the event"):
    def __init__(self, bot):
        self.bot = bot
        super().__init__()

    @property
    def service(self):
        return self.bot.service

    # ------------------------------------------------------------------------------ setup

    async def _zones(self, interaction: discord.Interaction, current: str):
        needle = current.casefold().replace(" ", "_")
        return [app_commands.Choice(name=z, value=z) for z in _ZONES
                if needle in z.casefold()][:25]

    @app_commands.command(name="setup", description="Create the event, choose roles and "
                                                     "channels")
    @app_commands.autocomplete(timezone=_zones)
    async def setup_(self, interaction: discord.Interaction,
                     name: app_commands.Range[str, 1, 100] | None = None,
                     timezone: str | None = None,
                     attendee_role: discord.Role | None = None,
                     organiser_role: discord.Role | None = None,
                     proposals_channel: discord.TextChannel | None = None,
                     announcements_channel: discord.TextChannel | None = None,
                     verification_required: bool | None = None) -> None:
        guild_id, actor = await admin_actor(interaction)
        settings = await self.service.setup_event(guild_id, actor, name=name or "Unconference",
                                                  timezone=timezone or "UTC")
        changes: dict[str, object] = {}
        if name is not None:
            changes["name"] = name
        if timezone is not None:
            changes["timezone"] = timezone
        if attendee_role is not None:
            changes["verified_role_id"] = attendee_role.id
        elif settings.verified_role_id is None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            try:
                role = await interaction.guild.create_role(name="Attendee",
                                                           reason="session-scheduler setup")
            except discord.Forbidden:
                raise Refused("I cannot create the attendee role: give me the Manage Roles "
                              "permission, or choose an existing role with attendee_role.") \
                    from None
            changes["verified_role_id"] = role.id
        if organiser_role is not None:
            changes["organiser_role_id"] = organiser_role.id
        if proposals_channel is not None:
            changes["proposals_channel_id"] = proposals_channel.id
        if announcements_channel is not None:
            changes["announcements_channel_id"] = announcements_channel.id
        if verification_required is not None:
            changes["verification_required"] = verification_required
        if changes:
            settings = await self.service.update_settings(guild_id, actor, **changes)

        def mention(kind: str, i: int | None) -> str:
            return "not set" if i is None else (f"<#{i}>" if kind == "c" else f"<@&{i}>")
        text = (f"**{settings.name}** ({settings.timezone})\n"
                f"Attendee role: {mention('r', settings.verified_role_id)}\n"
                f"Organiser role: {mention('r', settings.organiser_role_id)}\n"
                f"Proposals channel: {mention('c', settings.proposals_channel_id)}\n"
                f"Announcements channel: {mention('c', settings.announcements_channel_id)}\n"
                f"Verification required: {_on_off(settings.verification_required)}\n"
                f"Verification code: ||{settings.verification_code}||")
        await say(interaction, text)

    # ------------------------------------------------------------------------------- code

    code = app_commands.Group(name="code", description="The verification code")

    @code.command(name="show", description="Show the verification code (only to you)")
    async def code_show(self, interaction: discord.Interaction) -> None:
        guild_id, actor = await admin_actor(interaction)
        await say(interaction, f"The code is `{await self.service.show_code(guild_id, actor)}`.")

    @code.command(name="rotate", description="A new random code; the old one stops working")
    async def code_rotate(self, interaction: discord.Interaction) -> None:
        guild_id, actor = await admin_actor(interaction)
        code = await self.service.rotate_code(guild_id, actor)
        await say(interaction, f"New code: `{code}`.")

    @code.command(name="set", description="Choose the code yourself")
    async def code_set(self, interaction: discord.Interaction,
                       code: app_commands.Range[str, 4, 32]) -> None:
        guild_id, actor = await admin_actor(interaction)
        code = await self.service.set_code(guild_id, actor, code)
        await say(interaction, f"The code is now `{code}`.")

    @code.command(name="required", description="Whether attendees must verify to take part")
    async def code_required(self, interaction: discord.Interaction, on: bool) -> None:
        guild_id, actor = await admin_actor(interaction)
        s = await self.service.update_settings(guild_id, actor, verification_required=on)
        await say(interaction, f"Verification required: {_on_off(s.verification_required)}.")

    # -------------------------------------------------------------------- days, slots, rooms

    day = app_commands.Group(name="day", description="Days of the event")

    @day.command(name="add", description="Add a day (YYYY-MM-DD)")
    async def day_add(self, interaction: discord.Interaction, date: str,
                      label: str | None = None) -> None:
        guild_id, actor = await admin_actor(interaction)
        d = await self.service.add_day(guild_id, actor, date, label or "")
        await say(interaction, f"Added day #{d.id}: {d.label or d.date.isoformat()}.")

    @day.command(name="remove", description="Remove a day and its slots")
    async def day_remove(self, interaction: discord.Interaction, day: int,
                         force: bool = False) -> None:
        guild_id, actor = await admin_actor(interaction)
        await self.service.remove_day(guild_id, actor, day, force)
        await say(interaction, f"Removed day #{day}.")

    slot = app_commands.Group(name="slot", description="Slots and breaks")

    @slot.command(name="add", description="Add a slot or break (times HH:MM, local)")
    async def slot_add(self, interaction: discord.Interaction, day: int, start: str, end: str,
                       is_break: bool = False, label: str | None = None) -> None:
        guild_id, actor = await admin_actor(interaction)
        s = await self.service.add_slot(guild_id, actor, day, start, end, is_break, label or "")
        kind = "break" if s.is_break else "slot"
        await say(interaction, f"Added {kind} #{s.id}: {embeds.ts(s.start, 'F')}–"
                   f"{embeds.ts(s.end)}.")

    @slot.command(name="remove", description="Remove a slot or break")
    async def slot_remove(self, interaction: discord.Interaction, slot: int,
                          force: bool = False) -> None:
        guild_id, actor = await admin_actor(interaction)
        await self.service.remove_slot(guild_id, actor, slot, force)
        await say(interaction, f"Removed slot #{slot}.")

    @slot.command(name="lock", description="Keep this slot's sessions in place on re-runs")
    async def slot_lock(self, interaction: discord.Interaction, slot: int) -> None:
        guild_id, actor = await admin_actor(interaction)
        s = await self.service.lock_slot(guild_id, actor, slot)
        await say(interaction, f"Slot #{s.id} is locked.")

    @slot.command(name="unlock", description="Let the scheduler move this slot's sessions")
    async def slot_unlock(self, interaction: discord.Interaction, slot: int) -> None:
        guild_id, actor = await admin_actor(interaction)
        s = await self.service.unlock_slot(guild_id, actor, slot)
        await say(interaction, f"Slot #{s.id} is unlocked.")

    room = app_commands.Group(name="room", description="Rooms")

    @room.command(name="add", description="Add a room")
    async def room_add(self, interaction: discord.Interaction,
                       name: app_commands.Range[str, 1, 100],
                       capacity: app_commands.Range[int, 1, 100_000],
                       link: str | None = None) -> None:
        guild_id, actor = await admin_actor(interaction)
        r = await self.service.add_room(guild_id, actor, name, capacity, link)
        await say(interaction, f"Added room #{r.id}: {r.name} ({r.capacity} seats).")

    @room.command(name="remove", description="Remove a room")
    async def room_remove(self, interaction: discord.Interaction, room: int,
                          force: bool = False) -> None:
        guild_id, actor = await admin_actor(interaction)
        await self.service.remove_room(guild_id, actor, room, force)
        await say(interaction, f"Removed room #{room}.")

    @room.command(name="voice", description="The voice or stage channel where a room's "
                                            "sessions happen (leave out to clear)")
    async def room_voice(self, interaction: discord.Interaction, room: int,
                         channel: discord.VoiceChannel | discord.StageChannel | None = None
                         ) -> None:
        guild_id, actor = await admin_actor(interaction)
        r = await self.service.edit_room(guild_id, actor, room,
                                         voice_channel_id=None if channel is None else channel.id)
        where = (f"<#{r.voice_channel_id}>" if r.voice_channel_id else
                 "no channel (Discord events show the room's name as their location)")
        await say(interaction, f"Room #{r.id} {r.name}: {where}. Publish again to move its "
                   "Discord events.")

    timetable = app_commands.Group(name="timetable", description="The whole timetable")

    @timetable.command(name="import", description="Replace days, slots and rooms by a TOML file")
    async def timetable_import(self, interaction: discord.Interaction,
                               file: discord.Attachment, force: bool = False) -> None:
        guild_id, actor = await admin_actor(interaction)
        if file.size > MAX_TOML_BYTES:
            raise InvalidInput("The file is too large for a timetable (200 kB at most).")
        try:
            text = (await file.read()).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("The file is not UTF-8 text.") from None
        r = await self.service.import_timetable_toml(guild_id, actor, text, force)
        n = embeds.plural
        breaks = (f" ({r.breaks} of them {'a break' if r.breaks == 1 else 'breaks'})"
                  if r.breaks else "")
        await say(interaction, f"Imported {n(r.days, 'day')}, {n(r.slots, 'slot')}{breaks} "
                   f"and {n(r.rooms, 'room')}. Check it with /admin timetable show.")

    @timetable.command(name="show", description="Days, slots and rooms with their ids")
    async def timetable_show(self, interaction: discord.Interaction) -> None:
        guild_id, actor = await admin_actor(interaction)
        tv = await self.service.timetable(guild_id, actor)
        lines = [f"Timezone: {tv.timezone}"]
        for d in tv.days:
            lines.append(f"**Day #{d.id}** {d.label or ''} {d.date.isoformat()}")
            for s in d.slots:
                flags = (" break" if s.is_break else "") + (" 🔒" if s.locked else "")
                lines.append(f"  slot #{s.id}: {embeds.ts(s.start)}–{embeds.ts(s.end)}{flags}")
        lines += [f"Room #{r.id}: {r.name} ({r.capacity})" for r in tv.rooms]
        text = "\n".join(lines)
        await say(interaction, text[:1990] + ("…" if len(text) > 1990 else ""))

    # ------------------------------------------------------------------------ moderation

    proposal = app_commands.Group(name="proposal", description="Pending proposals")

    async def _pending(self, interaction: discord.Interaction, current: str):
        try:
            _, actor = await admin_actor(interaction)
        except Exception:
            return []
        return await session_choices(interaction, actor, current, "pending")

    @proposal.command(name="approve", description="Make a pending proposal public")
    @app_commands.autocomplete(session=_pending)
    async def approve(self, interaction: discord.Interaction, session: str) -> None:
        guild_id, actor = await admin_actor(interaction)
        s = await self.service.approve(guild_id, actor, _session_id(session))
        await say(interaction, f"Approved **{embeds.literal(s.title)}** (#{s.id}).")
        problem = await self.bot.post_session(await self.bot.gate_settings(guild_id), s)
        if problem:
            await say(interaction, problem)

    @proposal.command(name="reject", description="Refuse a pending proposal")
    @app_commands.autocomplete(session=_pending)
    async def reject(self, interaction: discord.Interaction, session: str) -> None:
        guild_id, actor = await admin_actor(interaction)
        s = await self.service.reject(guild_id, actor, _session_id(session))
        await say(interaction, f"Rejected **{embeds.literal(s.title)}** (#{s.id}).")

    # -------------------------------------------------------------------------- schedule

    schedule = app_commands.Group(name="schedule", description="Compute and publish")

    @schedule.command(name="run", description="Compute a timetable (a preview; publish after)")
    async def schedule_run(self, interaction: discord.Interaction,
                           seconds: app_commands.Range[int, 1, 600] = 30) -> None:
        guild_id, actor = await admin_actor(interaction)
        await interaction.response.defer(thinking=True)
        message = await interaction.followup.send(
            f"Scheduling for up to {seconds}s…", wait=True, allowed_mentions=NO_MENTIONS)
        loop = asyncio.get_running_loop()
        last = [0.0]

        async def progress(p: SolveProgress) -> None:
            now = loop.time()
            if now - last[0] < PROGRESS_EVERY:
                return
            last[0] = now
            with contextlib.suppress(discord.HTTPException):
                await message.edit(content=embeds.progress_text(p),
                                   allowed_mentions=NO_MENTIONS)

        try:
            version = await self.service.run_schedule(
                guild_id, actor, progress=progress, time_limit=float(seconds),
                freeze_minutes=self.bot.settings.freeze_minutes_before)
        except Exception:
            await message.edit(content="Scheduling failed (see below).",
                               allowed_mentions=NO_MENTIONS)
            raise
        # figures, every move against the published version and what it buys, explanations
        found = await self.service.preview_version(guild_id, actor, version,
                                                   embeds.discord_time, embeds.literal)
        shown, moves_file = preview_message(found)
        await message.edit(content=f"Done in {version.solve_seconds:.1f}s.", embeds=shown,
                           attachments=[moves_file] if moves_file else [],
                           allowed_mentions=NO_MENTIONS)

    @schedule.command(name="publish", description="Publish a computed timetable (default: the "
                                                  "latest)")
    async def schedule_publish(self, interaction: discord.Interaction,
                               version: app_commands.Range[int, 1] | None = None) -> None:
        guild_id, actor = await admin_actor(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        lines = await self.bot.publisher.publish(guild_id, actor, version)
        await say(interaction, "\n".join(lines))

    @app_commands.command(name="events", description="Mirror the published sessions as "
                                                     "Discord scheduled events (on/off)")
    async def events(self, interaction: discord.Interaction, on: bool) -> None:
        guild_id, actor = await admin_actor(interaction)
        s = await self.service.update_settings(guild_id, actor, mirror_events=on)
        if not s.mirror_events:
            await say(interaction, "Discord events mirror: off. Publishing no longer creates, "
                       "moves or removes Discord events; the ones already there stay.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        line = (await self.bot.mirror.sync(guild_id)) if s.published_version_id else None
        await say(interaction, "Discord events mirror: on." + (f" {line}" if line else
                   " The next publish creates them."))

    # ------------------------------------------------------------------ export and backup

    @app_commands.command(name="export", description="The whole event as a JSON file")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id, actor = await admin_actor(interaction)
        text = await self.service.export_event_json(guild_id, actor)
        name = f"event-{guild_id}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
        await say(interaction, "The event's data:",
                   file=discord.File(io.BytesIO(text.encode()), filename=name))

    @app_commands.command(name="export-calendar", description="The published timetable as "
                                                               "an .ics calendar file")
    async def export_calendar(self, interaction: discord.Interaction) -> None:
        guild_id, actor = await admin_actor(interaction)
        await say(interaction, "The published timetable (import it into a calendar app):",
                   file=await timetable_file(self.bot, guild_id, actor))

    @app_commands.command(name="backup", description="A copy of the database on the bot's "
                                                     "machine")
    async def backup(self, interaction: discord.Interaction) -> None:
        guild_id, actor = await admin_actor(interaction)
        target = self.bot.settings.backup_dir / (
            f"session-scheduler-{time.strftime('%Y%m%d-%H%M%S')}-{interaction.id}.sqlite")
        path = await self.service.backup(target, guild_id=guild_id, actor=actor)
        await say(interaction, f"Backup written on the bot's machine: `{path}`. Use "
                   "/admin export for a copy of this event you can download.")


async def setup(bot) -> None:
    await bot.add_cog(Admin(bot))
