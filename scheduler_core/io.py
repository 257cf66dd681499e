"""Reading instances and writing results, with errors a person can act on.

`load_instance` turns every way an instance file can be wrong (missing file, malformed JSON,
wrong types, broken contract rules) into one `InvalidInstance` whose `problems` name each
offending item: ``interest[3].level: ...``, ``fixed: session 'd7' is fixed in break slot ...``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from scheduler_core.models import Instance, InvalidInstance

__all__ = ["load_instance", "parse_instance", "write_json", "format_location"]


def load_instance(source: str | os.PathLike[str] | bytes) -> Instance:
    """An `Instance` from a file path or from JSON text.

    A `str` whose first non-blank character is ``{`` or ``[`` is read as JSON text, any other
    `str` or path-like as a file name; `bytes` are JSON text. Raises `InvalidInstance` on any
    problem.
    """
    if isinstance(source, bytes):
        return parse_instance(source.decode("utf-8", errors="replace"))
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        return parse_instance(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInstance([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise InvalidInstance([f"{path}: is a directory, not an instance file"]) from None
    except UnicodeDecodeError as exc:
        raise InvalidInstance([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) \
            from None
    except OSError as exc:
        raise InvalidInstance([f"{path}: cannot read ({exc.strerror})"]) from None
    return parse_instance(text, name=str(path))


def parse_instance(text: str, name: str = "instance") -> Instance:
    """An `Instance` from JSON text; `name` prefixes messages about the JSON syntax."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInstance(
            [f"{name}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    if not isinstance(data, dict):
        raise InvalidInstance(
            [f"{name}: the top level must be a JSON object with slots, rooms, sessions, ..."
             f" (got {_json_type(data)})"]
        )
    try:
        return Instance.model_validate(data)
    except InvalidInstance:
        raise
    except ValidationError as exc:
        raise InvalidInstance(_validation_problems(exc, data)) from None


def _validation_problems(exc: ValidationError, data: Any) -> list[str]:
    problems: list[str] = []
    for err in exc.errors():
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, InvalidInstance):
            problems.extend(inner.problems)
            continue
        loc = err.get("loc", ())
        where = format_location(loc) or "instance"
        what = _describe_item(data, loc)
        msg = err.get("msg", "invalid value")
        if err.get("type") == "missing":
            problems.append(f"{where}{what}: required field is missing")
        elif err.get("type") == "extra_forbidden":
            problems.append(f"{where}{what}: unknown field")
        else:
            problems.append(f"{where}{what}: {_lower_first(msg)} (got {_short(err.get('input'))})")
    return problems or [str(exc)]


def format_location(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """``('interest', 3, 'level')`` → ``interest[3].level``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe_item(data: Any, loc: tuple[int | str, ...]) -> str:
    """Name the list element the error sits in, from the raw data: `` (session 'd1')``."""
    node, item = data, None
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict):
            item = node
    if not isinstance(item, dict):
        return ""
    names = ("id", "attendee", "session", "slot", "room")
    keys = [k for k in names if isinstance(item.get(k), str)]
    if not keys:
        return ""
    return " (" + ", ".join(f"{k} {item[k]!r}" for k in keys) + ")"


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_type(value: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "null"}.get(type(value), type(value).__name__)


def write_json(model: BaseModel, path: str | os.PathLike[str], indent: int | None = 2) -> None:
    """Write `model` as JSON to `path` atomically (a reader never sees half a file)."""
    path = Path(path)
    text = model.model_dump_json(indent=indent)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
