"""`session-scheduler export-instance`: a real event's engine input, which the offline
`solve` reads as it is."""

from __future__ import annotations

import asyncio

from bot.cli import main
from bot.event import EventService
from scheduler_core.models import Instance, Result
from tests.bot.conftest import ADMIN, ALICE, CODE, EXAMPLE_TOML, GUILD


async def _event(db: str) -> None:
    async with await EventService.open(db, code_factory=lambda: CODE) as svc:
        await svc.setup_event(GUILD, ADMIN, name="Camp", timezone="Europe/Brussels")
        await svc.import_timetable_toml(GUILD, ADMIN, EXAMPLE_TOML.read_text())
        await svc.verify(GUILD, ALICE, CODE)
        a = await svc.propose(GUILD, ALICE, "Alpha", "a")
        b = await svc.propose(GUILD, ADMIN, "Beta", "b")
        await svc.set_cohosts(GUILD, ALICE, a.id, [99])
        await svc.set_not_in_parallel(GUILD, ADMIN, a.id, b.id)


def test_export_instance_writes_what_solve_reads(tmp_path, capsys):
    db = str(tmp_path / "e.sqlite")
    asyncio.run(_event(db))
    out = tmp_path / "instance.json"
    assert main(["export-instance", str(GUILD), "--database", db, "-o", str(out)]) == 0
    instance = Instance.model_validate_json(out.read_text())
    assert [s.title for s in instance.sessions] == ["Alpha", "Beta"]
    assert instance.sessions[0].proposers == [str(ALICE.user_id), "99"]
    assert len(instance.not_in_parallel) == 1
    result_path = tmp_path / "result.json"
    assert main(["solve", str(out), "--time-limit", "1", "--output", str(result_path),
                 "--no-progress"]) == 0
    assert {a.session for a in Result.model_validate_json(
        result_path.read_text()).assignments} <= {s.id for s in instance.sessions}


def test_export_instance_refuses_plainly(tmp_path, capsys):
    db = str(tmp_path / "e.sqlite")
    asyncio.run(_event(db))
    assert main(["export-instance", "12345", "--database", db]) == 2
    assert "no event" in capsys.readouterr().err
    # a mistyped file is named, not created (nor read as an empty database)
    typo = tmp_path / "typo" / "e.sqlite"
    assert main(["export-instance", str(GUILD), "--database", str(typo)]) == 2
    assert "no such database file" in capsys.readouterr().err
    assert not typo.parent.exists()
    config = tmp_path / "config.toml"
    config.write_text(f'database = "{typo}"\n')
    assert main(["status", "--config", str(config)]) == 2
    assert "no such database file" in capsys.readouterr().err
    assert not typo.parent.exists()
