import pytest

from bot.event import Actor, Conflict, Forbidden, InvalidInput, NotFound
from tests.bot.conftest import ADMIN, ALICE, BOB, GUILD, verified
from tests.bot.helpers import dump, rows


async def test_verified_proposal_is_public_with_level_100_for_the_proposer(event):
    await verified(event, ALICE)
    s = await event.propose(GUILD, ALICE, "  Live   patching ", " How to patch a running system ")
    assert (s.title, s.description, s.status) == ("Live patching",
                                                  "How to patch a running system", "public")
    assert s.owner_id == ALICE.user_id and s.owner_name == "Alice"
    assert s.my_level == 100 and s.interested == 1


async def test_unverified_proposal_waits_for_approval(event):
    s = await event.propose(GUILD, BOB, "Bob's talk", "About things")
    assert s.status == "pending"
    assert [x.id for x in await event.moderation_queue(GUILD, ADMIN)] == [s.id]
    # others do not see it; Bob does
    await verified(event, ALICE)
    assert s.id not in [x.id for x in await event.list_sessions(GUILD, ALICE)]
    assert s.id in [x.id for x in await event.list_sessions(GUILD, BOB)]
    approved = await event.approve(GUILD, ADMIN, s.id)
    assert approved.status == "public"
    assert await event.moderation_queue(GUILD, ADMIN) == []
    with pytest.raises(Conflict):
        await event.approve(GUILD, ADMIN, s.id)


async def test_reject_withdraws_a_pending_session(event):
    s = await event.propose(GUILD, BOB, "Spam", "spam")
    assert (await event.reject(GUILD, ADMIN, s.id)).status == "withdrawn"
    with pytest.raises(Forbidden):
        await event.approve(GUILD, BOB, s.id)


async def test_without_required_verification_proposals_are_public(event):
    await event.update_settings(GUILD, ADMIN, verification_required=False)
    assert (await event.propose(GUILD, BOB, "Open", "x")).status == "public"


@pytest.mark.parametrize("other", ["live patching", "LIVE  PATCHING", " Live\u00a0patching ",
                                   "ＬＩＶＥ ｐａｔｃｈｉｎｇ"])
async def test_duplicate_titles_are_refused(event, other):
    await verified(event, ALICE)
    await event.propose(GUILD, ALICE, "Live patching", "x")
    with pytest.raises(Conflict, match="already exists"):
        await event.propose(GUILD, BOB, other, "y")


async def test_withdrawn_title_can_be_reused(event):
    await verified(event, ALICE)
    s = await event.propose(GUILD, ALICE, "Live patching", "x")
    await event.withdraw_session(GUILD, ALICE, s.id)
    again = await event.propose(GUILD, ALICE, "Live patching", "again")
    assert again.id != s.id


async def test_at_most_one_session_per_schedulable_slot_admins_exempt(event):
    await verified(event, ALICE)
    slots = [s for d in (await event.timetable(GUILD, ALICE)).days for s in d.slots
             if not s.is_break]
    assert len(slots) == 7
    for i in range(7):
        await event.propose(GUILD, ALICE, f"Talk {i}", "x")
    with pytest.raises(Conflict, match="as many as there are slots"):
        await event.propose(GUILD, ALICE, "Talk 7", "x")
    for i in range(8):
        await event.propose(GUILD, ADMIN, f"Admin talk {i}", "x")


async def test_closed_proposals_refuse_attendees_not_admins(event):
    await event.update_settings(GUILD, ADMIN, proposals_open=False)
    with pytest.raises(Forbidden, match="closed"):
        await event.propose(GUILD, ALICE, "T", "x")
    assert (await event.propose(GUILD, ADMIN, "T", "x")).status == "public"


async def test_proposer_edits_own_session_others_may_not(event):
    await verified(event, ALICE)
    await verified(event, BOB)
    s = await event.propose(GUILD, ALICE, "Old", "x")
    with pytest.raises(Forbidden):
        await event.edit_session(GUILD, BOB, s.id, title="Hijacked")
    edited = await event.edit_session(GUILD, ALICE, s.id, title="New", description="better")
    assert (edited.title, edited.description, edited.status) == ("New", "better", "public")
    by_admin = await event.edit_session(GUILD, ADMIN, s.id, title="Newer")
    assert by_admin.title == "Newer"


async def test_edit_by_unverified_proposer_sends_public_session_back_to_moderation(event):
    await event.update_settings(GUILD, ADMIN, verification_required=False)
    s = await event.propose(GUILD, BOB, "Bob's", "x")
    assert s.status == "public"
    await event.update_settings(GUILD, ADMIN, verification_required=True)
    assert (await event.edit_session(GUILD, BOB, s.id, description="y")).status == "pending"


async def test_edit_cannot_take_another_sessions_title(event):
    await verified(event, ALICE)
    await event.propose(GUILD, ALICE, "First", "x")
    s = await event.propose(GUILD, ALICE, "Second", "x")
    with pytest.raises(Conflict):
        await event.edit_session(GUILD, ALICE, s.id, title="FIRST")
    # same title with other case is fine for the session itself
    assert (await event.edit_session(GUILD, ALICE, s.id, title="SECOND")).title == "SECOND"


async def test_admin_reassigns_owner_who_gets_level_100(event):
    await verified(event, ALICE)
    s = await event.propose(GUILD, ALICE, "Talk", "x")
    with pytest.raises(Forbidden):
        await event.edit_session(GUILD, ALICE, s.id, owner_id=BOB.user_id)
    await event.edit_session(GUILD, ADMIN, s.id, owner_id=BOB.user_id)
    mine = {x.id: x for x in await event.list_sessions(GUILD, BOB)}
    assert mine[s.id].owner_id == BOB.user_id and mine[s.id].my_level == 100
    # Bob may now edit it, Alice may not
    await verified(event, BOB)
    await event.edit_session(GUILD, BOB, s.id, description="mine now")
    with pytest.raises(Forbidden):
        await event.withdraw_session(GUILD, ALICE, s.id)


async def test_withdrawn_session_keeps_interest_but_refuses_more(event):
    await verified(event, ALICE)
    await verified(event, BOB)
    s = await event.propose(GUILD, ALICE, "Talk", "x")
    await event.set_interest(GUILD, BOB, s.id, 75)
    await event.withdraw_session(GUILD, ALICE, s.id)
    found = await rows(event.db, "SELECT user_id, level FROM interest WHERE session_id = ? "
                       "ORDER BY user_id", (s.id,))
    assert [(r["user_id"], r["level"]) for r in found] == [(ALICE.user_id, 100),
                                                          (BOB.user_id, 75)]
    with pytest.raises(NotFound):  # others no longer see it
        await event.set_interest(GUILD, BOB, s.id, 100)
    with pytest.raises(Conflict):  # the proposer does
        await event.set_interest(GUILD, ALICE, s.id, 25)
    with pytest.raises(Conflict):
        await event.edit_session(GUILD, ALICE, s.id, title="Back")
    with pytest.raises(Conflict):
        await event.withdraw_session(GUILD, ALICE, s.id)


async def test_pending_session_of_someone_else_is_not_found(event):
    s = await event.propose(GUILD, BOB, "Pending", "x")
    await verified(event, ALICE)
    before = await dump(event)
    with pytest.raises(NotFound):
        await event.set_interest(GUILD, ALICE, s.id, 100)
    with pytest.raises(NotFound):
        await event.get_session(GUILD, ALICE, s.id)
    assert await dump(event) == before


async def test_allowed_slots(event):
    await verified(event, ALICE)
    s = await event.propose(GUILD, ALICE, "Talk", "x")
    tt = await event.timetable(GUILD, ALICE)
    slots = [x for d in tt.days for x in d.slots]
    normal = [x.id for x in slots if not x.is_break][:2]
    brk = next(x.id for x in slots if x.is_break)
    assert (await event.set_allowed_slots(GUILD, ALICE, s.id, normal)).allowed_slot_ids == \
        tuple(normal)
    with pytest.raises(InvalidInput, match="break"):
        await event.set_allowed_slots(GUILD, ALICE, s.id, [brk])
    with pytest.raises(NotFound):
        await event.set_allowed_slots(GUILD, ALICE, s.id, [999_999])
    assert (await event.set_allowed_slots(GUILD, ALICE, s.id, None)).allowed_slot_ids is None


async def test_no_event_yet_is_a_friendly_not_found(service):
    with pytest.raises(NotFound, match="no event yet"):
        await service.propose(GUILD, ALICE, "T", "x")
    with pytest.raises(Forbidden):
        await service.setup_event(GUILD, Actor(5, "Mallory"))


async def test_autocomplete_choices_follow_who_may_do_what(event):
    """Public sessions for interest; for edit and withdraw, one's own (any status) and, for
    admins, the public ones; pending ones for moderation (admins only). Matched on the title
    in any case, or on the number, at most 25."""
    await verified(event, ALICE)
    live = await event.propose(GUILD, ALICE, "Live patching", "x")
    waiting = await event.propose(GUILD, BOB, "Bob's live demo", "x")  # pending
    assert await event.session_choices(GUILD, BOB, "LIVE", "public") == [(live.id, live.title)]
    assert await event.session_choices(GUILD, BOB, "live", "editable") == [
        (waiting.id, waiting.title)]
    assert await event.session_choices(GUILD, ADMIN, "", "editable") == [(live.id, live.title)]
    assert await event.session_choices(GUILD, ADMIN, f"#{waiting.id}", "pending") == [
        (waiting.id, waiting.title)]
    with pytest.raises(Forbidden):
        await event.session_choices(GUILD, BOB, "", "pending")
    await event.update_settings(GUILD, ADMIN, verification_required=False)
    for i in range(30):
        await event.propose(GUILD, ADMIN, f"Talk {i}", "x")
    assert len(await event.session_choices(GUILD, ALICE, "talk", "public")) == 25
