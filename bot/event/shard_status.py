"""What `session-scheduler status` says about the bot processes: who runs each shard (from the
locks they hold, `bot.runner.shard_owners`), what each shard's gateway session last reported
(`shard_connections`), and the timed messages being sent right now. A session report whose
process no longer holds the shard's lock was left by a process that is gone: it is shown as
such, never as connected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.shards import ShardOwner
from bot.storage import Database, Tx, connections

LIVE_STATES = ("connected", "ready", "resumed")


@dataclass(frozen=True, slots=True)
class Connection:
    """A shard's gateway session as its process last reported it."""

    process: str
    host: str
    pid: int
    state: str
    changed_at: str
    latency: float | None
    latency_at: str | None
    alive: bool  # its process holds the shard's lock now


@dataclass(frozen=True, slots=True)
class ShardSeen:
    shard_id: int
    shard_count: int
    owner: ShardOwner | None
    connection: Connection | None

    @property
    def connected(self) -> bool:
        c = self.connection
        return c is not None and c.alive and c.state in LIVE_STATES


@dataclass(frozen=True, slots=True)
class SendSeen:
    """An announcement or reminder claimed and not yet taken by Discord."""

    what: str
    guild_id: int
    detail: str
    claimed_at: str
    holder: str
    holder_alive: bool


@dataclass(frozen=True, slots=True)
class ShardStatus:
    shard_count: int
    shards: tuple[ShardSeen, ...]  # each shard of `shard_count`
    other_counts: tuple[ShardSeen, ...]  # locks or reports of another shard count
    sends: tuple[SendSeen, ...]

    @property
    def owned(self) -> list[ShardSeen]:
        return [s for s in self.shards if s.owner is not None]

    @property
    def connected(self) -> list[ShardSeen]:
        return [s for s in self.shards if s.connected]


async def shard_status(db: Database, owners: list[ShardOwner], shard_count: int) -> ShardStatus:
    """The shards of `shard_count` (the configured one, unless the locks held say another)."""
    counts = {o.shard_count for o in owners}
    if len(counts) == 1:
        shard_count = counts.pop()
    held = {(o.shard_count, o.shard_id): o for o in owners}
    running = {o.process for o in owners if o.process}

    async def tx(conn: Tx) -> tuple[list, list]:
        return await connections.connections(conn), await connections.sends_in_flight(conn)
    reported, sending = await db.read(tx)
    seen: dict[tuple[int, int], Connection] = {}
    for r in reported:
        owner = held.get((r["shard_count"], r["shard_id"]))
        seen[r["shard_count"], r["shard_id"]] = Connection(
            r["process"], r["host"], r["pid"], r["state"], r["changed_at"], r["latency"],
            r["latency_at"], owner is not None and owner.process == r["process"])
    keys = sorted(set(held) | set(seen))
    shards = tuple(ShardSeen(i, shard_count, held.get((shard_count, i)),
                             seen.get((shard_count, i))) for i in range(shard_count))
    others = tuple(ShardSeen(i, n, held.get((n, i)), seen.get((n, i)))
                   for n, i in keys if n != shard_count)
    sends = tuple(SendSeen(r["what"], r["guild_id"], r["detail"], r["sent_at"], r["holder"],
                           r["holder"] in running) for r in sending)
    return ShardStatus(shard_count, shards, others, sends)


def _time(text: str | None, now: datetime) -> str:
    if text is None:
        return "?"
    at = datetime.fromisoformat(text)
    return f"at {at:%Y-%m-%d %H:%M:%S} UTC, {_ago((now - at).total_seconds())}"


def _ago(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def _shard_line(s: ShardSeen, now: datetime, expected: bool = True) -> list[str]:
    """`expected`: a shard of the shard count in use (one nobody runs is a problem)."""
    out = []
    o, c = s.owner, s.connection
    name = f"shard {s.shard_id}" + ("" if expected else f" of {s.shard_count}")
    if o is None and not expected:
        out.append(f"  {name}: no process runs it")
    elif o is None:
        out.append(f"  {name}: NOT RUNNING: no process holds it, so its servers' "
                   "commands and buttons go unanswered and their timed messages wait")
    else:
        where = f" from {o.client}" if o.client else ""
        out.append(f"  {name}: run by {o.label}{where}, locked {_time(o.since, now)}")
    if c is None:
        if o is not None:
            out.append("    gateway: nothing reported yet (starting?)")
        return out
    who = f"pid {c.pid} #{c.process} on {c.host}"
    if not c.alive:
        out.append(f"    gateway: last report from {who}, a process that is gone: "
                   f"{c.state} {_time(c.changed_at, now)}")
        return out
    latency = ("" if c.latency is None or c.latency_at is None else
               f"; latency {c.latency * 1000:.0f} ms, measured "
               f"{_ago((now - datetime.fromisoformat(c.latency_at)).total_seconds())}")
    state = "CONNECTED" if c.state in LIVE_STATES else "DISCONNECTED"
    out.append(f"    gateway: {state}: {c.state} {_time(c.changed_at, now)}{latency}")
    return out


def status_lines(status: ShardStatus, now: datetime | None = None) -> list[str]:
    """The shards as an operator reads them."""
    now = now or datetime.now(UTC)
    lines = [f"shards: {status.shard_count}; run by a process: {len(status.owned)}, "
             f"connected: {len(status.connected)}"]
    for s in status.shards:
        lines += _shard_line(s, now)
    if status.other_counts:
        lines.append("other shard counts (stop every bot process and start them with one "
                     "shard_count):" if any(s.owner for s in status.other_counts)
                     else "left by an earlier shard count (no process runs them):")
        for s in status.other_counts:
            lines += _shard_line(s, now, expected=False)
    lines.append(f"sends in flight: {len(status.sends)}")
    for m in status.sends:
        holder = (f"by #{m.holder}, running" if m.holder_alive else
                  f"by #{m.holder}, a process that is gone: the next process of the server's "
                  "shard sends it again if the claim is recent enough for Discord to know its "
                  "nonce, else counts it sent")
        lines.append(f"  {m.what} {m.detail} (server {m.guild_id}): claimed "
                     f"{_time(m.claimed_at, now)} {holder}")
    return lines
