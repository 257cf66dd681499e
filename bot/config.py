"""Bot settings: `config.toml` (see config.example.toml), validated by pydantic.

The token may come from the file or the `DISCORD_TOKEN` environment variable (which wins); the
database likewise from `database` or `DATABASE_URL`. The token is held as a `SecretStr`, so it
never shows up in logs or reprs; `database_label` is the database without its password.
"""

from __future__ import annotations

import os
import tomllib
from datetime import time
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.shards import Shards, parse_shards
from bot.storage import DEFAULT_DATABASE_PATH, is_postgresql

TOKEN_HELP = (
    "No Discord bot token. Create an application at https://discord.com/developers/applications, "
    "open Bot → Reset Token, copy the token, and set it in the DISCORD_TOKEN environment variable "
    "(or `token` in config.toml)."
)


class ConfigError(ValueError):
    """The configuration is unusable; the message names the bad key."""


class WebSettings(BaseModel):
    """The web pages and calendar feeds (`[web]` in config.toml); off unless enabled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    #: Where the server listens; keep it on loopback behind a reverse proxy that adds TLS.
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port
    #: The address people reach the pages at, used in the links the bot gives
    #: (e.g. "https://schedule.example.org"); empty: http://host:port.
    base_url: str = ""
    #: Behind a reverse proxy every request comes from the proxy: take the client's address
    #: from the last X-Forwarded-For entry (the one the proxy added) for the rate limit.
    behind_proxy: bool = False
    #: Requests per minute one client may make (a short burst of a quarter of it is allowed).
    requests_per_minute: int = Field(default=120, ge=1, le=100_000)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if v:
            url = urlsplit(v)
            if url.scheme not in ("http", "https") or not url.hostname or url.query \
                    or url.fragment:
                raise ValueError("give an http:// or https:// address, e.g. "
                                 "https://schedule.example.org")
        return v

    @property
    def public_base(self) -> str:
        """The start of every link the bot gives to its pages."""
        if self.base_url:
            return self.base_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    token: SecretStr | None = None
    #: A SQLite file (the default), or a `postgresql://…` URL.
    database: str = DEFAULT_DATABASE_PATH
    guild_ids: list[int] = Field(default_factory=list)
    announce_minutes_before: int = Field(default=10, ge=0, le=24 * 60)
    daily_agenda_time: time | None = time(8, 0)
    announce_catch_up_minutes: int = Field(default=15, ge=0, le=24 * 60)
    # Slots that have started, or start within this many minutes, are left alone by a re-run
    # (their sessions were announced and reminded); None leaves only locked slots alone.
    freeze_minutes_before: int | None = Field(default=15, ge=0, le=24 * 60)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    backup_dir: Path = Path("backups")
    #: /admin backup keeps this many copies in backup_dir, removing the oldest.
    backup_keep: int = Field(default=10, ge=1, le=1000)
    #: Discord's traffic is split in this many shards (it requires one per 2500 servers).
    shard_count: int = Field(default=1, ge=1, le=65535)
    #: The shards this process runs ("0-3", or a list of ids); None: all of them.
    shards: tuple[int, ...] | None = None
    web: WebSettings = Field(default_factory=WebSettings)

    @field_validator("database", mode="before")
    @classmethod
    def _database(cls, v: object) -> object:
        if isinstance(v, os.PathLike):
            return os.fspath(v)
        if isinstance(v, str) and not v.strip():
            raise ValueError("give a SQLite file path or a postgresql:// URL")
        if isinstance(v, str) and "://" in v and not is_postgresql(v):
            raise ValueError("only postgresql:// URLs are supported (or a SQLite file path)")
        return v

    @property
    def database_label(self) -> str:
        """The database as logs may show it: a path, or a URL without its password."""
        if not is_postgresql(self.database):
            return self.database
        url = urlsplit(self.database)
        host = url.hostname or ""
        return url._replace(netloc=f"{url.username + '@' if url.username else ''}{host}"
                            f"{':' + str(url.port) if url.port else ''}").geturl()

    @field_validator("guild_ids")
    @classmethod
    def _positive(cls, v: list[int]) -> list[int]:
        if any(g <= 0 for g in v):
            raise ValueError("guild ids are positive numbers")
        return v

    @field_validator("shards", mode="before")
    @classmethod
    def _shards(cls, v: object) -> object:
        if isinstance(v, str):
            return parse_shards(v)
        if isinstance(v, list | tuple):
            if not v:
                raise ValueError("name at least one shard")
            return tuple(sorted(set(v)))
        return v

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shards is None:
            return self
        beyond = [i for i in self.shards if not 0 <= i < self.shard_count]
        if beyond:
            raise ValueError(f"shards: shard ids go from 0 to shard_count - 1 "
                             f"({self.shard_count - 1}); {beyond[0]} is not one")
        if not is_postgresql(self.database) and len(self.shards) < self.shard_count:
            raise ValueError(
                "shards: on SQLite one process runs every shard, because SQLite keeps the "
                "database in one file that one process uses; leave `shards` out, or use "
                "PostgreSQL to run shards in several processes")
        return self

    @property
    def shard_plan(self) -> Shards:
        """The shards this process runs."""
        ids = self.shards if self.shards is not None else tuple(range(self.shard_count))
        return Shards(ids, self.shard_count)

    @field_validator("daily_agenda_time", mode="before")
    @classmethod
    def _agenda(cls, v: object) -> object:
        if v in ("", "off", None):
            return None
        return v


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None,
                  **overrides: object) -> Settings:
    """Read `path` (a missing file means all defaults), then apply DISCORD_TOKEN, DATABASE_URL
    and overrides."""
    env = os.environ if env is None else env
    data: dict[str, object] = {}
    if path is not None:
        p = Path(path)
        if p.exists():
            try:
                data = tomllib.loads(p.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise ConfigError(f"{p}: not valid TOML: {e}") from None
        elif Path(path) != Path("config.toml"):
            raise ConfigError(f"{p}: no such file (copy config.example.toml to start).")
    if env.get("DISCORD_TOKEN"):
        data["token"] = env["DISCORD_TOKEN"]
    if env.get("DATABASE_URL"):
        data["database"] = env["DATABASE_URL"]
    data.update(overrides)
    try:
        return Settings.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            key = ".".join(str(x) for x in err["loc"])
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            # a check across keys names them in its message
            problems.append(f"{key}: {msg}" if key else msg.removeprefix("Value error, "))
        raise ConfigError("Bad configuration: " + "; ".join(problems)) from None
