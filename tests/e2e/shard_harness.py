"""A small event in one guild of the stand-in, by its owner and member, for the tests where
guilds lie on different shards (tests/e2e/test_bot_shards.py, test_sharded_processes.py)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.bot_harness import (
    answer,
    answered,
    publish,
    reply_of,
    run_schedule,
    session_id,
)
from tests.e2e.fake_discord import Channel, FakeDiscord, SeededGuild, Upload

ROOT = Path(__file__).resolve().parents[2]
TITLES = ("Live patching", "Rust in anger", "CP-SAT for fun")


def shard_of(guild_id: int, count: int) -> int:
    """Discord's sharding formula (its Gateway documentation, Sharding)."""
    return (guild_id >> 22) % count


def on_other_shard(fake: FakeDiscord, count: int = 2) -> SeededGuild:
    """A second guild, on the shard after the first guild's."""
    return fake.add_guild("Second camp", shard=((shard_of(fake.guild.id, count) + 1) % count,
                                                count))


async def prepare_event(fake: FakeDiscord, at: SeededGuild, timezone: str) -> Channel:
    """Setup (the code read from the reply), the member verified, three proposals (two by
    the member), the member's interest in each: what comes before a timetable and a run.
    Returns the announcements channel."""
    proposals = fake.add_channel("proposals", guild=at.guild)
    announcements = fake.add_channel("announcements", guild=at.guild)
    ix = await fake.slash("admin setup", {"name": at.guild.name, "timezone": timezone,
                                          "proposals_channel": proposals,
                                          "announcements_channel": announcements},
                          user=at.owner)
    code = re.search(r"\|\|(\w+)\|\|", (await reply_of(fake, ix, "setup reply")).content)[1]
    cb = await answered(fake, "verify", {"code": code}, user=at.member)
    assert "verified" in cb.content, cb.content
    attendee = at.guild.role_by_name("Attendee")
    await fake.wait_until(lambda: attendee.id in at.member.roles, what="the attendee role")
    sessions = []
    for i, title in enumerate(TITLES):
        cb = await answer(fake, "propose", {"title": title, "description": "d"},
                          user=at.owner if i == 0 else at.member)
        assert "is public" in cb.content, cb.content
        sessions.append(session_id(cb.content))
    for sid, level in zip(sessions, (100, 25, 75), strict=True):
        cb = await answer(fake, "interest", {"session": str(sid), "level": level},
                          user=at.member)
        assert cb.ephemeral and "**" in cb.content, cb.content
    return announcements


async def schedule_event(fake: FakeDiscord, at: SeededGuild, timetable: bytes) -> None:
    """Import the timetable, run the solver, publish."""
    cb = await answered(fake, "admin timetable import",
                        {"file": Upload("timetable.toml", timetable)}, user=at.owner)
    assert "Imported" in cb.content, cb.content
    preview = await run_schedule(fake, owner=at.owner)
    assert preview.embeds, preview.content
    reply = await publish(fake, owner=at.owner)
    assert "Published" in reply.content, reply.content


def announcements_in(fake: FakeDiscord, channel: Channel) -> list[str]:
    """The titles of the agendas and "up next" posts in a channel, in order."""
    return [m["embeds"][0]["title"] for m in fake.messages_in(channel)
            if m["embeds"] and m["embeds"][0]["title"].startswith(("Up next", "Today"))]


def timetable_from_now(starts: list[float], minutes: int = 4) -> bytes:
    """A one-room timetable of today's slots starting at `starts` (epoch seconds, in order),
    each `minutes` long, for bots that run on the real clock. Its time zone is one where
    they all fall on one day."""
    for tz_name in ("UTC", "Asia/Tokyo", "America/New_York"):
        tz = ZoneInfo(tz_name)
        local = [(datetime.fromtimestamp(s, tz), datetime.fromtimestamp(s + 60 * minutes, tz))
                 for s in starts]
        if len({d for a, b in local for d in (a.date(), b.date())}) == 1:
            break
    else:
        raise AssertionError("the slots span two days in every time zone tried")
    slots = ", ".join(f'{{ start = "{a:%H:%M:%S}", end = "{b:%H:%M:%S}" }}' for a, b in local)
    return (f'timezone = "{tz_name}"\n'
            '[[rooms]]\nname = "Main hall"\ncapacity = 80\n'
            f"[[days]]\ndate = {local[0][0].date().isoformat()}\nslots = [{slots}]\n").encode()


#: The bot processes' settings: announcements (up next 10 minutes before a slot, the agenda
#: at midnight) caught up within a day, so those already due go out at publish and at a
#: start; no freeze window, so slots minutes away can still be scheduled.
PROCESS_CONFIG = """\
database = "{database}"
guild_ids = [{guild_ids}]
shard_count = {shard_count}
announce_minutes_before = 10
announce_catch_up_minutes = 1440
daily_agenda_time = "00:00"
freeze_minutes_before = 0
"""

RUN_AGAINST_STAND_IN = """\
import sys
from bot.cli import main
from tests.e2e.fake_discord.server import point_discord_py_at

point_discord_py_at(int(sys.argv[1]))
sys.exit(main(["run", *sys.argv[2:]]))
"""

SENT = re.compile(r"\[shard ([^\]]+)\] bot\.jobs\.announcements: sent the \S+ announcement "
                  r"(\S+)")


class BotProcess:
    """`session-scheduler run` in a process of its own against the stand-in, running `shards`
    of `shard_count` on `database`; each start writes a log file of its own."""

    def __init__(self, fake: FakeDiscord, workdir: Path, database: str, guild_ids: list[int],
                 shard_count: int, shards: str | None = None):
        self.fake, self.workdir = fake, workdir
        self.shard_ids = (list(range(shard_count)) if shards is None
                          else [int(s) for s in shards.split(",")])
        self.args = ["--if-running", "wait", *(["--shards", shards] if shards else [])]
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "config.toml").write_text(PROCESS_CONFIG.format(
            database=database, guild_ids=", ".join(map(str, guild_ids)),
            shard_count=shard_count))
        self.proc: asyncio.subprocess.Process | None = None
        self.logs: list[Path] = []

    async def start(self, timeout: float = 60) -> BotProcess:
        """Start it and wait until a new gateway session of each of its shards is live."""
        before = list(self.fake.sessions)
        log = self.workdir / f"log-{len(self.logs) + 1}.txt"
        self.logs.append(log)
        env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
        env.update(PYTHONPATH=str(ROOT), DISCORD_TOKEN=self.fake.token)
        with log.open("wb") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", RUN_AGAINST_STAND_IN, str(self.fake.port), *self.args,
                cwd=self.workdir, env=env, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL, stderr=out)

        def connected() -> bool:
            if self.proc.returncode is not None:
                raise AssertionError(f"the bot process exited: {self.log()}")
            live = [self.fake.live_session(shard) for shard in self.shard_ids]
            return all(s is not None and not any(s is b for b in before) for s in live)

        await self.fake.wait_until(connected, timeout=timeout,
                                   what=f"the bot process of shards {self.shard_ids}")
        return self

    def log(self) -> str:
        """The log of its latest start."""
        return self.logs[-1].read_text(errors="replace") if self.logs else ""

    def sent(self) -> list[tuple[str, str]]:
        """(shard, job id) of each announcement it logged sending, over all its starts."""
        return [(m[1], m[2]) for log in self.logs
                for m in SENT.finditer(log.read_text(errors="replace"))]

    def kill(self) -> None:
        """SIGKILL: no chance to close anything."""
        assert self.proc is not None
        self.proc.kill()

    async def stop(self, timeout: float = 30) -> int:
        """SIGTERM, as systemd stops a service; its exit code."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), timeout)

    async def ended(self) -> None:
        """Gone, however it ended (teardown)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
        if self.proc is not None:
            await self.proc.wait()


def announced(fake: FakeDiscord, channel: Channel) -> list[str]:
    """Each announcement in the channel, as "agenda" or "up next: <session title>"."""
    out = []
    for m in fake.messages_in(channel):
        title = m["embeds"][0]["title"] if m["embeds"] else None
        if title and title.startswith("Today"):
            out.append("agenda")
        elif title and title.startswith("Up next"):
            out.append("up next: " + m["embeds"][0]["fields"][0]["value"])
    return sorted(out)
