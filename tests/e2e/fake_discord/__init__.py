"""A loopback stand-in of Discord (REST + gateway) that the real discord.py client talks to.

See ``server.FakeDiscord`` for the test-facing API and ``tests/e2e/test_stand_in.py`` for use.
"""

from .interactions import Callback, InteractionRecord, InteractionRejected, Upload
from .messages import DiscordError, Pings, Sent, UploadedFile
from .server import FakeDiscord, GatewayOp, Request, SeededGuild
from .state import Channel, ChannelType, Guild, Member, Perm, Role, User

__all__ = [
    "Callback",
    "Channel",
    "ChannelType",
    "DiscordError",
    "FakeDiscord",
    "GatewayOp",
    "Guild",
    "InteractionRecord",
    "InteractionRejected",
    "Member",
    "Perm",
    "Pings",
    "Request",
    "Role",
    "SeededGuild",
    "Sent",
    "Upload",
    "UploadedFile",
    "User",
]
