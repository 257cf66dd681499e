"""Interaction records and the checks Discord's client and API make before a bot sees anything.

discord.py trusts what Discord sends: it does not re-check option choices, ranges or
``default_member_permissions``. So the stand-in refuses (raises :class:`InteractionRejected`)
whatever a real Discord user could not send, and the bot's own checks are tested separately by
bypassing only the permission gate.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from .state import Channel, ChannelType, FakeFile, Guild, Member, Perm, Role, State, User


class InteractionRejected(Exception):
    """Discord would not let a user send this interaction (unknown command, bad option, ...)."""


class InteractionType:
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


#: Callback types Discord accepts for each interaction type.
ALLOWED_CALLBACKS = {
    InteractionType.PING: {1},
    InteractionType.APPLICATION_COMMAND: {4, 5, 9},
    InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    InteractionType.AUTOCOMPLETE: {8},
    InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
}

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)


@dataclass
class Upload:
    """A file a test user attaches to a command option (served back by the stand-in)."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class Callback:
    """The bot's answer to ``POST /interactions/{id}/{token}/callback``."""

    type: int
    data: dict[str, Any]
    #: When the callback reached the stand-in (see `ArrivalStamps`).
    at: float
    files: list[Any] = field(default_factory=list)
    #: When the stand-in began handling it (``at`` plus the stand-in's own queueing).
    handled_at: float | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & 64)

    @property
    def content(self) -> str | None:
        return self.data.get("content")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete results (type 8)."""
        return self.data.get("choices") or []


@dataclass
class InteractionRecord:
    """One interaction the stand-in sent, and everything the bot did in answer to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int | None
    #: ``time.perf_counter()`` when INTERACTION_CREATE was written to the gateway socket.
    dispatched_at: float | None = None
    callback: Callback | None = None
    #: The message ``@original`` designates: the reply, or the clicked message for components.
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    #: The modal this interaction opened (callback type 9), used by ``submit_modal``.
    modal: dict[str, Any] | None = None
    #: Callbacks the stand-in refused, with Discord's error code (late, twice, wrong type).
    rejected_callbacks: list[tuple[int, str]] = field(default_factory=list)
    #: Requests the token still serves before it is past its lifetime (`expire_token`).
    token_uses_left: int | None = None
    responded: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        """Seconds from INTERACTION_CREATE written to the callback received."""
        if self.callback is None or self.dispatched_at is None:
            return None
        return self.callback.at - self.dispatched_at

    @property
    def handled_latency(self) -> float | None:
        """Seconds from INTERACTION_CREATE written to the stand-in handling the callback."""
        if self.callback is None or self.dispatched_at is None:
            return None
        return (self.callback.handled_at or self.callback.at) - self.dispatched_at

    def age(self) -> float:
        return time.perf_counter() - (self.dispatched_at or time.perf_counter())


# --- application commands ---------------------------------------------------------------------


def find_command(state: State, guild: Guild | None, name: str, type: int = 1) -> dict[str, Any]:
    """The synced command a user would pick: guild commands first, then global ones."""
    pools = ([state.commands.get(guild.id, [])] if guild else []) + [state.commands.get(None, [])]
    for pool in pools:
        for command in pool:
            if command["name"] == name and command.get("type", 1) == type:
                return command
    where = f"guild {guild.id}" if guild else "global"
    raise InteractionRejected(f"/{name} is not synced ({where}); did the bot sync its tree?")


def check_command_allowed(
    command: dict[str, Any], guild: Guild | None, user_id: int, *, bypass_permissions: bool
) -> None:
    """Discord hides a command from users who lack ``default_member_permissions`` and from the
    contexts it is not allowed in; it never reaches the bot then."""
    contexts = command.get("contexts")
    if guild is None:
        if command.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
            raise InteractionRejected(f"/{command['name']} is not available in DMs")
        return
    if contexts is not None and 0 not in contexts:
        raise InteractionRejected(f"/{command['name']} is not available in guilds")
    required = command.get("default_member_permissions")
    if required is None or bypass_permissions:
        return
    required = int(required)
    perms = guild.member_permissions(user_id)
    if perms & Perm.ADMINISTRATOR:
        return
    if required == 0 or perms & required != required:
        raise InteractionRejected(
            f"/{command['name']} needs permissions {required:#x}; user {user_id} has {perms:#x}"
        )


def walk_to_leaf(
    command: dict[str, Any], path: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow ``group sub`` names below a command. Returns (wrappers, leaf option schemas)."""
    wrappers: list[dict[str, Any]] = []
    schema = command.get("options") or []
    for name in path:
        node = next(
            (
                o
                for o in schema
                if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if node is None:
            raise InteractionRejected(f"/{command['name']} has no subcommand {name!r}")
        wrappers.append(node)
        schema = node.get("options") or []
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
        names = [o["name"] for o in schema]
        raise InteractionRejected(f"/{command['name']} needs a subcommand, one of {names}")
    return wrappers, schema


class OptionBuilder:
    """Turns test values into Discord option payloads plus ``resolved`` data, checking each value
    against the synced schema as Discord's client and API do."""

    def __init__(self, state: State, guild: Guild | None, attachment_url: Any) -> None:
        self.state = state
        self.guild = guild
        self.attachment_url = attachment_url
        self.resolved: dict[str, dict[str, Any]] = {}

    def build(
        self,
        schema: list[dict[str, Any]],
        given: dict[str, Any],
        *,
        focused: str | None = None,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise InteractionRejected(f"unknown options {sorted(unknown)}; known {sorted(by_name)}")
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
            if missing:
                raise InteractionRejected(f"required options missing: {missing}")
        else:
            spec = by_name.get(focused)
            if spec is None or not spec.get("autocomplete"):
                raise InteractionRejected(f"option {focused!r} does not autocomplete")
        out = []
        for spec in schema:  # Discord sends options in schema order
            name = spec["name"]
            if name not in given:
                continue
            if name == focused:
                # While typing, the value is the raw text, unchecked.
                out.append(
                    {"type": spec["type"], "name": name, "value": str(given[name]), "focused": True}
                )
            else:
                out.append(
                    {"type": spec["type"], "name": name, "value": self._value(spec, given[name])}
                )
        return out

    def _value(self, spec: dict[str, Any], value: Any) -> Any:
        kind, name = spec["type"], spec["name"]
        if kind == STRING:
            if not isinstance(value, str):
                raise InteractionRejected(f"{name}: expected a string, got {value!r}")
            if len(value) < spec.get("min_length", 0) or len(value) > spec.get("max_length", 6000):
                raise InteractionRejected(f"{name}: length {len(value)} out of range")
            self._check_choice(spec, value)
            return value
        if kind in (INTEGER, NUMBER):
            ok = isinstance(value, int) if kind == INTEGER else isinstance(value, int | float)
            if not ok or isinstance(value, bool):
                raise InteractionRejected(f"{name}: expected a number, got {value!r}")
            lo, hi = spec.get("min_value"), spec.get("max_value")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise InteractionRejected(f"{name}: {value} outside [{lo}, {hi}]")
            self._check_choice(spec, value)
            return value
        if kind == BOOLEAN:
            if not isinstance(value, bool):
                raise InteractionRejected(f"{name}: expected a bool, got {value!r}")
            return value
        if kind == USER:
            return self._user(value)
        if kind == ROLE:
            return self._role(value)
        if kind == MENTIONABLE:
            return self._role(value) if isinstance(value, Role) else self._user(value)
        if kind == CHANNEL:
            return self._channel(spec, value)
        if kind == ATTACHMENT:
            return self._attachment(value)
        raise InteractionRejected(f"{name}: option type {kind} not supported by the stand-in")

    @staticmethod
    def _check_choice(spec: dict[str, Any], value: Any) -> None:
        choices = spec.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise InteractionRejected(
                f"{spec['name']}: {value!r} is not one of {[c['value'] for c in choices]}"
            )

    def _user(self, value: Any) -> str:
        user_id = value.id if isinstance(value, User | Member) else int(value)
        user = self.state.users.get(user_id)
        if user is None:
            raise InteractionRejected(f"unknown user {user_id}")
        self.resolved.setdefault("users", {})[str(user_id)] = user.payload()
        if self.guild and user_id in self.guild.members:
            member = self.guild.members[user_id].payload(self.guild.member_permissions(user_id))
            member.pop("user")
            self.resolved.setdefault("members", {})[str(user_id)] = member
        return str(user_id)

    def _role(self, value: Any) -> str:
        role_id = value.id if isinstance(value, Role) else int(value)
        if self.guild is None or role_id not in self.guild.roles:
            raise InteractionRejected(f"unknown role {role_id}")
        self.resolved.setdefault("roles", {})[str(role_id)] = self.guild.roles[role_id].payload()
        return str(role_id)

    def _channel(self, spec: dict[str, Any], value: Any) -> str:
        channel_id = value.id if isinstance(value, Channel) else int(value)
        channel = self.state.channels.get(channel_id)
        if channel is None:
            raise InteractionRejected(f"unknown channel {channel_id}")
        allowed = spec.get("channel_types")
        if allowed and channel.type not in allowed:
            raise InteractionRejected(f"{spec['name']}: channel type {channel.type} not allowed")
        data = channel.payload()
        data["permissions"] = str(Perm.ALL)
        self.resolved.setdefault("channels", {})[str(channel_id)] = data
        return str(channel_id)

    def _attachment(self, value: Any) -> str:
        if isinstance(value, Upload):
            value = self.state.add_file(value.filename, value.data, value.content_type)
        if not isinstance(value, FakeFile):
            raise InteractionRejected(f"attachment options take an Upload, got {value!r}")
        url = self.attachment_url(value)
        self.resolved.setdefault("attachments", {})[str(value.id)] = {
            "id": str(value.id),
            "filename": value.filename,
            "size": len(value.data),
            "url": url,
            "proxy_url": url,
            "content_type": value.content_type,
            "ephemeral": True,
        }
        return str(value.id)


def wrap_options(
    wrappers: list[dict[str, Any]], leaf: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Nest leaf options inside their subcommand group/subcommand, as Discord sends them."""
    options = leaf
    for node in reversed(wrappers):
        options = [{"type": node["type"], "name": node["name"], "options": options}]
    return options


# --- components and modals --------------------------------------------------------------------


def find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    """Search a message's or modal's component tree (rows, labels, containers, sections)."""
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        children = list(comp.get("components") or [])
        for key in ("component", "accessory"):
            if comp.get(key):
                children.append(comp[key])
        found = find_component(children, custom_id)
        if found is not None:
            return found
    return None


def modal_submit_components(modal: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``data.components`` Discord sends back for a modal: same rows/labels, with values.

    Text inputs take a string; string selects a list of strings. Required inputs must be filled
    and lengths must fit, as Discord's client enforces.
    """
    unknown = set(values) - _input_ids(modal.get("components") or [])
    if unknown:
        raise InteractionRejected(f"modal has no inputs {sorted(unknown)}")

    def answer(comp: dict[str, Any]) -> dict[str, Any]:
        cid = comp.get("custom_id")
        if comp["type"] == 4:  # text input
            value = values.get(cid, comp.get("value") or "")
            if comp.get("required", True) and not value:
                raise InteractionRejected(f"modal input {cid!r} is required")
            if value and not (
                comp.get("min_length", 0) <= len(value) <= comp.get("max_length", 4000)
            ):
                raise InteractionRejected(f"modal input {cid!r}: length {len(value)} out of range")
            return {"type": 4, "custom_id": cid, "value": value}
        if comp["type"] == 3:  # string select
            chosen = list(values.get(cid, []))
            allowed = {o["value"] for o in comp.get("options", [])}
            if not set(chosen) <= allowed:
                raise InteractionRejected(f"modal select {cid!r}: {chosen} not in {allowed}")
            return {"type": 3, "custom_id": cid, "values": chosen}
        return {"type": comp["type"], "id": comp.get("id")}

    out = []
    for top in modal.get("components") or []:
        if top["type"] == 1:
            out.append({"type": 1, "components": [answer(c) for c in top["components"]]})
        elif top["type"] == 18:  # label
            out.append({"type": 18, "component": answer(top["component"])})
        else:
            out.append({"type": top["type"], "id": top.get("id")})
    return out


def _input_ids(components: list[dict[str, Any]]) -> set[str]:
    ids: set[str] = set()
    for comp in components:
        if comp.get("custom_id"):
            ids.add(comp["custom_id"])
        children = list(comp.get("components") or [])
        if comp.get("component"):
            children.append(comp["component"])
        ids |= _input_ids(children)
    return ids


def dm_context(channel: Channel) -> bool:
    return channel.type == ChannelType.DM
