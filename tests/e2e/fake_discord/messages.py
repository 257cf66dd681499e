"""Messages the bot sends: Discord's validation, the stored payload, and what is recorded.

The limits below are Discord's documented ones; a bot that exceeds them gets the same
``50035 Invalid Form Body`` it would get in production, so tests catch it here first.
"""

from __future__ import annotations

import functools
import mimetypes
import re
from dataclasses import dataclass, field
from typing import Any

from .gateway import loads
from .state import FakeFile, State, User, now_iso, snowflake

SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
IS_COMPONENTS_V2 = 1 << 15


class DiscordError(Exception):
    """Raised by route handlers; rendered as Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def invalid(reason: str, path: str = "", code: str = "BASE_TYPE_INVALID") -> DiscordError:
    """Discord's ``50035 Invalid Form Body``, the reason nested under the path of the field
    at fault as Discord nests it: ``embeds.0.description`` gives
    ``{"embeds": {"0": {"description": {"_errors": [{"code": ..., "message": ...}]}}}}``."""
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": reason}]}
    for key in reversed(path.split(".") if path else []):
        errors = {key: errors}
    return DiscordError(400, 50035, "Invalid Form Body", errors)


def too_long(path: str, limit: int) -> DiscordError:
    return invalid(f"Must be {limit} or fewer in length.", path, "BASE_TYPE_MAX_LENGTH")


@dataclass
class UploadedFile:
    """A file part of a multipart request (``files[n]``)."""

    field: str
    filename: str
    data: bytes
    content_type: str


@dataclass
class Pings:
    """Who a message would actually notify, given its content and ``allowed_mentions``."""

    everyone: bool = False
    users: set[int] = field(default_factory=set)
    roles: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return self.everyone or bool(self.users) or bool(self.roles)


def pings(content: str | None, allowed_mentions: dict[str, Any] | None) -> Pings:
    """Discord's rule: without ``allowed_mentions`` everything in the content pings; with it only
    what ``parse`` or the explicit id lists allow. Stricter than Discord in one way: permissions
    (e.g. MENTION_EVERYONE) are not considered, so a would-be ping is always reported."""
    content = content or ""
    if allowed_mentions is None:
        allowed_mentions = {"parse": ["everyone", "users", "roles"]}
    parse = set(allowed_mentions.get("parse") or [])
    user_ids = {int(x) for x in allowed_mentions.get("users") or []}
    role_ids = {int(x) for x in allowed_mentions.get("roles") or []}
    found_users = {int(x) for x in re.findall(r"<@!?(\d+)>", content)}
    found_roles = {int(x) for x in re.findall(r"<@&(\d+)>", content)}
    return Pings(
        everyone="everyone" in parse and bool(re.search(r"@(everyone|here)", content)),
        users={u for u in found_users if "users" in parse or u in user_ids},
        roles={r for r in found_roles if "roles" in parse or r in role_ids},
    )


@dataclass
class Sent:
    """One message the bot created or edited, by any route (channel, callback, webhook)."""

    kind: str  # "create" | "edit" | "callback" | "followup" | "edit_original" | "delete"
    channel_id: int
    #: The message as it was then, as JSON: parsed only when a test looks (`message`), so
    #: recording stays cheap in benchmarks that send thousands.
    snapshot: bytes
    body: dict[str, Any]
    files: list[UploadedFile]
    at: float
    interaction_id: int | None = None

    @functools.cached_property
    def message(self) -> dict[str, Any]:
        return loads(self.snapshot)

    @property
    def message_id(self) -> int:
        return int(self.message["id"])

    @property
    def content(self) -> str | None:
        return self.message.get("content")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.get("components") or []

    @property
    def flags(self) -> int:
        return int(self.message.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.body.get("allowed_mentions")

    @property
    def pings(self) -> Pings:
        """Would this message notify anyone? (Embeds never ping, only content.)"""
        return pings(self.content, self.allowed_mentions)

    def text(self) -> str:
        """Content plus every embed text, for loose "the reply mentions X" assertions."""
        parts = [self.content or ""]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for f in embed.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
            parts.append((embed.get("author") or {}).get("name") or "")
        return "\n".join(p for p in parts if p)


# --- validation ------------------------------------------------------------------------------

#: Discord: attachments per message, and an attachment's description (its alt text)
MAX_ATTACHMENTS, MAX_DESCRIPTION = 10, 1024
EMBED_LIMITS = {"title": 256, "description": 4096}


def validate_embeds(embeds: list[dict[str, Any]]) -> None:
    """Discord's embed limits (Message resource, "Embed Limits"): 10 embeds, each field's own
    length, 25 fields, and 6000 characters in all the titles, descriptions, field names and
    values, footers and author names of the message."""
    if len(embeds) > 10:
        raise too_long("embeds", 10)
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            value = embed.get(key) or ""
            if len(value) > limit:
                raise too_long(f"embeds.{i}.{key}", limit)
            total += len(value)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise too_long(f"embeds.{i}.fields", 25)
        for j, f in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                value = f.get(key) or ""
                if not value:
                    raise invalid("This field is required", f"embeds.{i}.fields.{j}.{key}",
                                  "BASE_TYPE_REQUIRED")
                if len(value) > limit:
                    raise too_long(f"embeds.{i}.fields.{j}.{key}", limit)
                total += len(value)
        for part, key, limit in (("footer", "text", 2048), ("author", "name", 256)):
            value = (embed.get(part) or {}).get(key) or ""
            if len(value) > limit:
                raise too_long(f"embeds.{i}.{part}.{key}", limit)
            total += len(value)
    if total > 6000:
        raise invalid("Embed size exceeds maximum size of 6000", "embeds",
                      "MAX_EMBED_SIZE_EXCEEDED")


def validate_components(components: list[dict[str, Any]], flags: int) -> None:
    if flags & IS_COMPONENTS_V2:
        return  # layout components: only custom_id uniqueness is checked below
    if len(components) > 5:
        raise invalid(f"{len(components)} action rows > 5")
    for i, row in enumerate(components):
        if row.get("type") != 1:
            raise invalid(f"components[{i}]: top level must be action rows")
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            raise invalid(f"components[{i}]: 1..5 components per row")
        if any(c.get("type") != 2 for c in children) and len(children) != 1:
            raise invalid(f"components[{i}]: a select menu fills its row alone")
        for c in children:
            if c.get("type") == 2:
                if len(c.get("label") or "") > 80:
                    raise invalid(f"components[{i}]: button label > 80 chars")
                if c.get("style") == 5 and not c.get("url"):
                    raise invalid(f"components[{i}]: link button without url")
    ids = _custom_ids(components)
    if any(len(cid) > 100 for cid in ids):
        raise invalid("custom_id > 100 chars")
    if len(ids) != len(set(ids)):
        raise invalid(f"duplicate custom_id in {ids}")


def _custom_ids(components: list[dict[str, Any]]) -> list[str]:
    ids = []
    for c in components:
        if c.get("custom_id"):
            ids.append(c["custom_id"])
        children = list(c.get("components") or [])
        if c.get("accessory"):
            children.append(c["accessory"])
        ids += _custom_ids(children)
    return ids


def validate_modal(data: dict[str, Any]) -> None:
    if not data.get("custom_id") or len(data["custom_id"]) > 100:
        raise invalid("modal custom_id required, at most 100 chars")
    if not data.get("title") or len(data["title"]) > 45:
        raise invalid("modal title required, at most 45 chars")
    if not 1 <= len(data.get("components") or []) <= 5:
        raise invalid("modal needs 1..5 components")


def validate_choices(choices: list[dict[str, Any]]) -> None:
    if len(choices) > 25:
        raise invalid(f"{len(choices)} autocomplete choices > 25")
    for c in choices:
        if not 1 <= len(c.get("name") or "") <= 100:
            raise invalid(f"choice name {c.get('name')!r}: 1..100 chars")
        if isinstance(c.get("value"), str) and len(c["value"]) > 100:
            raise invalid("choice value > 100 chars")


# --- building ---------------------------------------------------------------------------------


class MessageFactory:
    """Builds stored message payloads from the bodies discord.py sends."""

    def __init__(self, state: State, bot: User, file_url: Any) -> None:
        self.state = state
        self.bot = bot
        self.file_url = file_url

    def create(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        type: int = 0,
        webhook_id: int | None = None,
        interaction: dict[str, Any] | None = None,
        extra_flags: int = 0,
        allow_empty: bool = False,
    ) -> dict[str, Any]:
        attachments = self._attachments(body, files, [])
        flags = int(body.get("flags") or 0) | extra_flags
        self._validate(body, flags, attachments, allow_empty=allow_empty)
        channel = self.state.channels[channel_id]
        message: dict[str, Any] = {
            "id": str(snowflake()),
            "channel_id": str(channel_id),
            "author": self.bot.payload(),
            "content": body.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": type,
            "flags": flags,
        }
        if channel.guild_id is not None:
            message["guild_id"] = str(channel.guild_id)
        if webhook_id is not None:
            message["webhook_id"] = str(webhook_id)
            message["application_id"] = str(webhook_id)
        if interaction is not None:
            message["interaction_metadata"] = interaction
        if body.get("message_reference"):
            message["message_reference"] = body["message_reference"]
        if body.get("poll"):
            message["poll"] = body["poll"]
        self.state.add_message(message)
        return message

    def edit(
        self, message: dict[str, Any], body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        """PATCH semantics: keys present replace, keys absent stay; ``attachments`` keeps only
        the listed existing ones, plus new uploads."""
        flags = int(message.get("flags") or 0)
        if "flags" in body and body["flags"] is not None:
            # Only SUPPRESS_EMBEDS (and IS_COMPONENTS_V2) may change on edit.
            editable = SUPPRESS_EMBEDS | IS_COMPONENTS_V2
            flags = (flags & ~editable) | (int(body["flags"]) & editable)
        if "attachments" in body or files:
            message_attachments = self._attachments(body, files, message["attachments"])
        else:
            message_attachments = message["attachments"]
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ("" if key == "content" else [])
                )
        message["flags"] = flags & ~LOADING
        message["attachments"] = message_attachments
        self._validate(message, message["flags"], message_attachments, allow_empty=False)
        message["edited_timestamp"] = now_iso()
        return message

    def _attachments(
        self, body: dict[str, Any], files: list[UploadedFile], existing: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        listed = body.get("attachments")
        kept = existing
        if listed is not None:
            keep_ids = {str(a.get("id")) for a in listed}
            kept = [a for a in existing if a["id"] in keep_ids]
        new = []
        by_index = {str(a.get("id")): a for a in listed or []}
        for index, upload in enumerate(files):
            meta = by_index.get(str(index), {})
            filename = meta.get("filename") or upload.filename
            content_type = upload.content_type
            if not content_type or content_type == "application/octet-stream":
                # Discord names the type from the file name (discord.py sends octet-stream)
                content_type = mimetypes.guess_type(filename)[0] or content_type
            description = meta.get("description")
            if description is not None and len(description) > MAX_DESCRIPTION:
                raise too_long(f"attachments.{index}.description", MAX_DESCRIPTION)
            stored: FakeFile = self.state.add_file(filename, upload.data, content_type)
            url = self.file_url(stored)
            new.append(
                {
                    "id": str(stored.id),
                    "filename": stored.filename,
                    "description": description,
                    "size": len(stored.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": stored.content_type,
                }
            )
        if len(kept) + len(new) > MAX_ATTACHMENTS:
            raise invalid(f"Must be {MAX_ATTACHMENTS} or fewer in length.", "attachments",
                          "BASE_TYPE_MAX_LENGTH")
        return kept + new

    @staticmethod
    def _validate(
        body: dict[str, Any], flags: int, attachments: list[Any], *, allow_empty: bool
    ) -> None:
        content = body.get("content") or ""
        embeds = body.get("embeds") or []
        components = body.get("components") or []
        if len(content) > 2000:
            raise too_long("content", 2000)
        if flags & IS_COMPONENTS_V2 and (content or embeds):
            raise invalid("IS_COMPONENTS_V2 messages cannot have content or embeds")
        if not allow_empty and not (
            content
            or embeds
            or components
            or attachments
            or body.get("poll")
            or body.get("sticker_ids")
        ):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        validate_embeds(embeds)
        validate_components(components, flags)
