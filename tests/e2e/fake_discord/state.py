"""What the stand-in knows about "Discord": users, guilds, roles, channels, messages, commands.

Objects render themselves to the exact wire payloads discord.py parses, so the client builds its
cache from the same shapes it would get from Discord. Messages are kept as wire payloads because
they are produced by the bot and asserted on by tests.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000


class Perm:
    """Permission bits the stand-in checks (Discord's values)."""

    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_ROLES = 1 << 28
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    ALL = (1 << 51) - 1

    EVERYONE_DEFAULT = (
        CREATE_INSTANT_INVITE
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_APPLICATION_COMMANDS
        | SEND_MESSAGES_IN_THREADS
        | CREATE_PUBLIC_THREADS
    )
    #: What the bot's managed role holds by default: what a scheduling bot asks for in its invite.
    BOT_DEFAULT = (
        EVERYONE_DEFAULT
        | MANAGE_CHANNELS
        | MANAGE_ROLES
        | MANAGE_MESSAGES
        | MANAGE_EVENTS
        | MANAGE_THREADS
        | CREATE_PRIVATE_THREADS
    )


class ChannelType:
    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    ANNOUNCEMENT = 5
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12


_counter = itertools.count(1)


def snowflake() -> int:
    """A fresh, realistic snowflake (timestamp bits set), unique within the process."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name or self.username,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 1
    managed: bool = False
    bot_id: int | None = None
    color: int = 0
    hoist: bool = False
    mentionable: bool = False

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Channel:
    id: int
    name: str
    type: int = ChannelType.TEXT
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    # Threads only.
    owner_id: int | None = None
    # DMs only.
    recipient: User | None = None
    #: Stored and returned as sent; the stand-in computes guild-level permissions only.
    permission_overwrites: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD)

    def payload(self) -> dict[str, Any]:
        if self.type == ChannelType.DM:
            return {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": None,
                "recipients": [self.recipient.payload()] if self.recipient else [],
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": self.permission_overwrites,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": False,
            "flags": 0,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
        if self.type in (ChannelType.TEXT, ChannelType.ANNOUNCEMENT):
            data["topic"] = self.topic
        elif self.type == ChannelType.VOICE:
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        elif self.is_thread:
            data.pop("permission_overwrites")
            data.pop("position")
            data.update(
                owner_id=str(self.owner_id),
                message_count=0,
                member_count=1,
                total_message_sent=0,
                thread_metadata={
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": now_iso(),
                    "locked": False,
                    "invitable": True,
                    "create_timestamp": now_iso(),
                },
            )
        return data

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user": self.user.payload(),
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    scheduled_events: dict[int, dict[str, Any]] = field(default_factory=dict)
    locale: str = "en-US"
    #: Where Discord posts its own notices (welcome messages, boosts); None: not set.
    system_channel_id: int | None = None

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def member_permissions(self, user_id: int) -> int:
        """Guild-level permissions as Discord computes them (channel overwrites ignored)."""
        if user_id == self.owner_id:
            return Perm.ALL
        member = self.members[user_id]
        perms = self.everyone.permissions
        for role_id in member.roles:
            perms |= self.roles[role_id].permissions
        return Perm.ALL if perms & Perm.ADMINISTRATOR else perms

    def top_role_position(self, user_id: int) -> int:
        member = self.members[user_id]
        return max((self.roles[r].position for r in member.roles), default=0)

    def role_by_name(self, name: str) -> Role | None:
        return next((r for r in self.roles.values() if r.name == name), None)

    def channel_by_name(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name), None)

    def payload(self) -> dict[str, Any]:
        """The full GUILD_CREATE payload: member_count equals the members sent, so discord.py
        considers the guild chunked and does not ask for members."""
        guild_channels = [c for c in self.channels.values() if not c.is_thread]
        threads = [c for c in self.channels.values() if c.is_thread]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "features": [],
            "application_id": None,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "soundboard_sounds": [],
            "joined_at": now_iso(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": [m.payload() for m in self.members.values()],
            "channels": [c.payload() for c in guild_channels],
            "threads": [c.payload() for c in threads],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": list(self.scheduled_events.values()),
        }


@dataclass
class FakeFile:
    """Bytes served by the stand-in at a CDN-like URL (uploaded by the bot or by a test user)."""

    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


class State:
    """All objects of the fake Discord, indexed the way the REST routes look them up."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        #: Every channel (guild channels, threads, DMs) by id.
        self.channels: dict[int, Channel] = {}
        #: Messages per channel id, in creation order, as wire payloads.
        self.messages: dict[int, list[dict[str, Any]]] = {}
        #: Every stored message by id: lookups stay O(1) however many replies a run leaves.
        self._message_index: dict[str, dict[str, Any]] = {}
        self.files: dict[int, FakeFile] = {}
        #: Synced application commands: global under key None, guild commands under the guild id.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}

    # --- creation ---------------------------------------------------------------------------

    def add_user(self, username: str, *, bot: bool = False, id: int | None = None) -> User:
        user = User(id=id or snowflake(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, owner: User) -> Guild:
        guild = Guild(id=snowflake(), name=name, owner_id=owner.id)
        guild.roles[guild.id] = Role(
            id=guild.id,
            guild_id=guild.id,
            name="@everyone",
            permissions=Perm.EVERYONE_DEFAULT,
            position=0,
        )
        self.guilds[guild.id] = guild
        self.add_member(guild, owner)
        return guild

    def add_member(self, guild: Guild, user: User, roles: list[Role] | None = None) -> Member:
        member = Member(user=user, guild_id=guild.id, roles=[r.id for r in roles or []])
        guild.members[user.id] = member
        return member

    def add_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        position: int | None = None,
        **kwargs: Any,
    ) -> Role:
        if position is None:
            # Discord puts a new role just above @everyone and shifts the others up.
            for other in guild.roles.values():
                if other.position >= 1:
                    other.position += 1
            position = 1
        role = Role(
            id=snowflake(),
            guild_id=guild.id,
            name=name,
            permissions=permissions,
            position=position,
            **kwargs,
        )
        guild.roles[role.id] = role
        return role

    def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = ChannelType.TEXT,
        parent_id: int | None = None,
        owner_id: int | None = None,
        topic: str | None = None,
    ) -> Channel:
        channel = Channel(
            id=snowflake(),
            name=name,
            type=type,
            guild_id=guild.id,
            position=len(guild.channels),
            parent_id=parent_id,
            owner_id=owner_id,
            topic=topic,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    def dm_channel(self, recipient: User) -> Channel:
        """The DM channel with a user, created on first use as Discord does."""
        for channel in self.channels.values():
            if channel.type == ChannelType.DM and channel.recipient == recipient:
                return channel
        channel = Channel(id=snowflake(), name="", type=ChannelType.DM, recipient=recipient)
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    def add_file(self, filename: str, data: bytes, content_type: str | None = None) -> FakeFile:
        f = FakeFile(
            id=snowflake(),
            filename=filename,
            data=data,
            content_type=content_type or _guess_type(filename),
        )
        self.files[f.id] = f
        return f

    # --- lookups ----------------------------------------------------------------------------

    def guild_of_channel(self, channel_id: int) -> Guild | None:
        channel = self.channels.get(channel_id)
        if channel is None or channel.guild_id is None:
            return None
        return self.guilds[channel.guild_id]

    def find_message(self, message_id: int | str) -> dict[str, Any] | None:
        return self._message_index.get(str(message_id))

    def add_message(self, message: dict[str, Any]) -> None:
        self.messages[int(message["channel_id"])].append(message)
        self._message_index[message["id"]] = message

    def remove_message(self, message: dict[str, Any]) -> None:
        self.messages[int(message["channel_id"])].remove(message)
        del self._message_index[message["id"]]


def _guess_type(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
