"""The organiser's preview of a computed version: the figures (bot/discord/embeds.py), every move
against the published version with what the moves buy, and explanations of the sessions left
out and of rooms too small."""

from __future__ import annotations

import io

import discord

from bot.discord import embeds
from bot.event import changes
from bot.event.preview import Preview

DESCRIPTION = 4000


KIND_WORDS = (("moved", "to another time"), ("room", "to another room"),
              ("unscheduled", "left out"), ("scheduled", "newly placed"))


def moved_summary(p: Preview) -> str:
    """The changes against the published version by kind, e.g. "1 to another time, 2 to
    another room, 1 left out" (the same count as the list of changes)."""
    kinds = [m.kind for m in p.moves]
    parts = [f"{kinds.count(k)} {words}" for k, words in KIND_WORDS if kinds.count(k)]
    return ", ".join(parts) or "none"


def preview_message(p: Preview) -> tuple[list[discord.Embed], discord.File | None]:
    """The preview embeds, and a text file with every move when they do not all fit."""
    v = p.version
    # against the published version, count what the list below shows (not only slot changes)
    main = embeds.preview_embed(v, p.unplaced, p.over_capacity,
                                moved=None if p.based_on is None else moved_summary(p))
    if p.based_on is None:
        return [main], None
    if p.gain is not None:
        main.add_field(name="What the moves buy", inline=False,
                       value=f"{p.gain:+,} utility: {v.utility:,} against {p.kept_utility:,} "
                       f"for keeping version #{p.based_on} as it is (same interest).")
    lines = [f"• {changes.describe(m, embeds.discord_time, embeds.literal)}" for m in p.moves]
    title = f"Changes against the published version #{p.based_on}: {len(lines)}"
    if not lines:
        return [main, discord.Embed(title=title, colour=embeds.COLOUR,
                                    description="Nothing moves.")], None
    found = [discord.Embed(title=title if i == 0 else f"{title} (continued)",
                           colour=embeds.COLOUR, description=chunk)
             for i, chunk in enumerate(embeds.pack_lines(lines, DESCRIPTION))]
    fitted = embeds.fit_message([main, *found])
    if len(fitted) == 1 + len(found):
        return fitted, None
    # too many to show: the first part here, every move in the attached file
    note = discord.Embed(title=title, colour=embeds.COLOUR,
                         description=embeds.pack_lines(lines, 2500)[0] + "\n… every move is in the "
                         f"attached moves-v{v.id}.txt.")
    text = "\n".join([title, *(f"• {line}" for line in p.move_lines)]) + "\n"  # plain
    return [main, note], discord.File(io.BytesIO(text.encode()), filename=f"moves-v{v.id}.txt")
