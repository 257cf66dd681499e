"""`session-scheduler run`: configuration errors, the missing token, the single-instance lock."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.runner import AlreadyRunning, instance_lock
from bot.shards import Shards

ROOT = Path(__file__).resolve().parents[3]


def run_cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bot.cli", "run", *args], cwd=tmp_path,
                          env={**base, **(env or {})}, capture_output=True, text=True,
                          timeout=60)


def test_without_token_says_how_to_get_one(tmp_path: Path) -> None:
    r = run_cli(tmp_path)
    assert r.returncode == 2
    assert "Reset Token" in r.stderr and "DISCORD_TOKEN" in r.stderr


def test_bad_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("announce_minutes_before = -5\ncolour = 'red'\n")
    r = run_cli(tmp_path, env={"DISCORD_TOKEN": "x"})
    assert r.returncode == 2
    assert "announce_minutes_before" in r.stderr and "colour: unknown key" in r.stderr


def test_missing_explicit_config(tmp_path: Path) -> None:
    r = run_cli(tmp_path, "--config", "nope.toml")
    assert r.returncode == 2 and "nope.toml" in r.stderr


def test_env_token_wins_and_is_never_shown(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('token = "from-file"\nguild_ids = [42]\n')
    s = load_settings(cfg, env={"DISCORD_TOKEN": "from-env-secret"})
    assert s.token.get_secret_value() == "from-env-secret" and s.guild_ids == [42]
    assert "from-env-secret" not in repr(s) and "from-env-secret" not in str(s.model_dump())
    with pytest.raises(ConfigError, match="guild_ids"):
        load_settings(None, env={}, guild_ids=[-1])


def test_example_config_is_valid() -> None:
    s = load_settings(ROOT / "config.example.toml", env={})
    assert s.token is None and str(s.database) == "data/session-scheduler.sqlite"


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from bot.runner import instance_lock
    with instance_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(60)
""")


def test_second_instance_refuses(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "locked"
        (tmp_path / "config.toml").write_text(f'database = "{db}"\n')
        r = run_cli(tmp_path, env={"DISCORD_TOKEN": "x"})
        assert r.returncode == 3 and f"pid {holder.pid}" in r.stderr
        r = run_cli(tmp_path, "--if-running", "quit", env={"DISCORD_TOKEN": "x"})
        assert r.returncode == 0 and "quitting" in r.stderr
        with pytest.raises(AlreadyRunning), instance_lock(db, "wait", poll=0.05, timeout=0.2):
            pass
    finally:
        holder.kill()
        holder.wait()
    with instance_lock(db, "wait", poll=0.05, timeout=5) as held:  # free again once it died
        assert held is not None


DISCORD_AT = textwrap.dedent('''
    import http.server, sys, threading
    import discord
    from bot.cli import main

    class Refuse(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"message": "401: Unauthorized", "code": 0}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    if sys.argv[1] == "refusing":
        server = http.server.HTTPServer(("127.0.0.1", 0), Refuse)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
    else:  # a port nobody listens on
        import socket
        s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    sys.exit(main(["run"]))
''')


@pytest.mark.parametrize("discord_is, code, says", [
    ("refusing", 2, "Discord refused the token"),
    ("unreachable", 4, "cannot reach Discord"),
])
def test_refused_token_or_unreachable_discord_is_said_plainly(tmp_path: Path, discord_is, code,
                                                              says) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env.update(PYTHONPATH=str(ROOT), DISCORD_TOKEN="abc.def.ghi")
    r = subprocess.run([sys.executable, "-c", DISCORD_AT, discord_is], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == code, r.stderr
    assert says in r.stderr and "Traceback" not in r.stderr
    assert "abc.def.ghi" not in r.stderr + r.stdout  # the token is never shown


def test_database_url_selects_postgresql_and_its_password_is_never_shown(tmp_path) -> None:
    s = load_settings(None, env={"DATABASE_URL": "postgresql://bot:s3cret@db.example:5433/ev"})
    assert s.database == "postgresql://bot:s3cret@db.example:5433/ev"
    assert s.database_label == "postgresql://bot@db.example:5433/ev"
    with pytest.raises(ConfigError, match="postgresql://"):
        load_settings(None, env={}, database="mysql://x")


def test_unreachable_postgresql_is_said_plainly(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('database = "postgresql://bot:s3cret@127.0.0.1:1/ev"\n')
    r = run_cli(tmp_path, env={"DISCORD_TOKEN": "x"})
    assert r.returncode == 4, r.stderr
    assert "cannot connect to PostgreSQL" in r.stderr and "Traceback" not in r.stderr
    assert "s3cret" not in r.stderr


def test_second_instance_on_the_same_postgresql_database_refuses(postgres) -> None:
    url = postgres.new_database()
    with instance_lock(url) as held:
        assert held
        with pytest.raises(AlreadyRunning, match="session-scheduler pid"), instance_lock(url):
            pass
        with instance_lock(url, "quit") as second:
            assert second is False
    with instance_lock(url, "wait", poll=0.05, timeout=5) as again:  # released on exit
        assert again
    with instance_lock(postgres.new_database()) as other:  # another database: no clash
        assert other


def test_shards_on_the_command_line_and_sqlite_refusing_to_split_them(tmp_path: Path) -> None:
    r = run_cli(tmp_path, "--shards", "1", "--shard-count", "2", env={"DISCORD_TOKEN": "x"})
    assert r.returncode == 2
    assert "on SQLite one process runs every shard" in r.stderr and "PostgreSQL" in r.stderr
    (tmp_path / "config.toml").write_text('shard_count = 2\nshards = "0-1"\n')
    r = run_cli(tmp_path, "--shards", "2", env={"DISCORD_TOKEN": "x"})  # the option wins
    assert r.returncode == 2 and "shards: shard ids go from 0 to shard_count - 1" in r.stderr


def test_each_shard_on_postgresql_runs_in_one_process(postgres) -> None:
    """A process holds its shards: another may run other shards of the same count beside
    it, never one of its shards, nor shards of another count (they would overlap)."""
    url = postgres.new_database()
    with instance_lock(url, shards=Shards((0,), 2)) as held:
        assert held
        with instance_lock(url, shards=Shards((1,), 2)) as beside:
            assert beside
            with pytest.raises(AlreadyRunning, match=r"\(session-scheduler pid \d+ #[0-9a-f]{8} "
                                                     r"shards 1 of 2\) runs shard 1 of 2"), \
                    instance_lock(url, shards=Shards((1,), 2)):
                pass
            with pytest.raises(AlreadyRunning, match="in 2 shards, this one in 3"), \
                    instance_lock(url, shards=Shards((2,), 3)):
                pass
        with pytest.raises(AlreadyRunning, match="runs shard 0 of 2 on this database"), \
                instance_lock(url, shards=Shards((0, 1), 2)):
            pass
        with pytest.raises(AlreadyRunning, match="in 2 shards, this one in 1; every process"), \
                instance_lock(url):
            pass
        with instance_lock(url, shards=Shards((1,), 2)) as again:  # a refusal took nothing
            assert again
    with instance_lock(url, shards=Shards((0, 1, 2), 3)) as resharded:  # all stopped
        assert resharded


SHARD_HOLDER = textwrap.dedent("""
    import sys, time
    from bot.runner import instance_lock
    from bot.shards import Shards
    with instance_lock(sys.argv[1], shards=Shards((0,), 2)):
        print("locked", flush=True)
        time.sleep(60)
""")


def test_a_killed_process_lets_its_shards_go(postgres) -> None:
    url = postgres.new_database()
    holder = subprocess.Popen([sys.executable, "-c", SHARD_HOLDER, url], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunning), instance_lock(url, shards=Shards((0,), 2)):
            pass
    finally:
        holder.kill()
        holder.wait()
    with instance_lock(url, "wait", poll=0.05, timeout=5, shards=Shards((0,), 2)) as held:
        assert held


RUN_AGAINST_STAND_IN = textwrap.dedent('''
    import sys
    from bot.cli import main
    from tests.e2e.fake_discord.server import point_discord_py_at

    point_discord_py_at(int(sys.argv[1]))
    sys.exit(main(["run", *sys.argv[2:]]))
''')


@pytest.mark.parametrize("shard_count", [1, 2])
async def test_sigterm_closes_the_gateway_and_the_database_and_exits_0(tmp_path: Path,
                                                                       shard_count) -> None:
    """systemd stops a service with SIGTERM: `session-scheduler run`, connected to the
    stand-in, closes the gateway session of each of its shards (with a close frame) and its
    database (SQLite removes the -wal file at the last clean close), says so in its log, and
    exits 0. Its log lines carry its shards."""
    import asyncio
    import signal

    from bot.shards import shard_of
    from tests.e2e.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    owners = [fake.owner]
    if shard_count == 2:
        owners.append(fake.add_guild("Other", shard=(1 - shard_of(fake.guild.id, 2), 2)).owner)
    db = tmp_path / "data" / "bot.sqlite"
    guilds = ", ".join(str(o.guild_id) for o in owners)
    (tmp_path / "config.toml").write_text(f'database = "{db}"\nguild_ids = [{guilds}]\n'
                                          f"shard_count = {shard_count}\n")
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env.update(PYTHONPATH=str(ROOT), DISCORD_TOKEN=fake.token)
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUN_AGAINST_STAND_IN, str(fake.port), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_until(
            lambda: all(fake.state.commands.get(o.guild_id) for o in owners)
            and all(fake.live_session(shard) for shard in range(shard_count)),
            timeout=30, what="the bot connected and synced")
        for owner in owners:  # a write in each guild, each on its own shard
            ix = await fake.slash("admin setup", {"name": "Camp"}, user=owner)
            await fake.wait_until(lambda ix=ix: [s for s in fake.responses(ix.id) if s.content],
                                  timeout=10, what="the setup reply")
        assert db.with_name("bot.sqlite-wal").exists()  # open, in WAL mode
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), 30)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
        await fake.stop()
    log = stderr.decode()
    assert bot.returncode == 0, log
    assert "closed the gateway session and the database" in log and "Traceback" not in log
    assert not db.with_name("bot.sqlite-wal").exists()
    assert len(fake.gateway_closes) == shard_count
    assert 1006 not in fake.gateway_closes  # close frames, not dropped connections
    assert ("[shard 0/1] " if shard_count == 1 else "[shard 0-1/2] ") in log
    assert fake.token not in log
    assert "voice" not in log  # the bot uses no voice: discord.py's warnings about it are noise


async def test_too_few_shards_for_discord_is_said_plainly(tmp_path: Path) -> None:
    """Discord closes a session that would hold too many servers (4011 Sharding required):
    the bot says to raise shard_count, without a traceback."""
    import asyncio

    from tests.e2e.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    fake.max_guilds_per_session = 0
    (tmp_path / "config.toml").write_text(f'database = "{tmp_path / "bot.sqlite"}"\n')
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env.update(PYTHONPATH=str(ROOT), DISCORD_TOKEN=fake.token)
    try:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-c", RUN_AGAINST_STAND_IN, str(fake.port), cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(bot.communicate(), 30)
    finally:
        await fake.stop()
    log = stderr.decode()
    assert bot.returncode == 2, log
    assert "Discord requires more shards (4011 Sharding required)" in log
    assert "raise shard_count" in log and "Traceback" not in log

