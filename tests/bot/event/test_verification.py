import pytest

from bot.event import Actor, EventService, Forbidden, InvalidInput, RateLimited, codes
from bot.event.codes import ALPHABET, SERVER_MAX_FAILURES, new_code
from bot.event.errors import WrongCode
from bot.event.settings import PRUNE_EVERY_SECONDS
from tests.bot.conftest import ADMIN, ALICE, BOB, CODE, GUILD
from tests.bot.helpers import rows


def test_codes_use_only_unambiguous_characters():
    codes = {new_code() for _ in range(200)}
    assert len(codes) > 190  # random
    for code in codes:
        assert len(code) == 8
        assert not set(code) & set("01OIL")
        assert set(code) <= set(ALPHABET)


async def test_right_code_verifies_spaces_and_case_forgiven(event):
    result = await event.verify(GUILD, ALICE, " abcd-2345 ")
    assert result.verified and not result.already_verified
    again = await event.verify(GUILD, ALICE, "whatever")
    assert again.already_verified


async def test_wrong_code_says_how_many_attempts_remain(event):
    with pytest.raises(InvalidInput, match="4 more attempts"):
        await event.verify(GUILD, ALICE, "WRONG")


async def test_five_wrong_codes_block_for_ten_minutes_even_the_right_one(event, clock):
    for _ in range(5):
        with pytest.raises(InvalidInput):
            await event.verify(GUILD, ALICE, "WRONG")
    clock.now += 60
    with pytest.raises(RateLimited) as info:
        await event.verify(GUILD, ALICE, CODE)
    assert info.value.user_message == "Too many wrong codes. Try again in 9 minutes."
    assert 530 < info.value.retry_after <= 540
    # another user is not affected
    assert (await event.verify(GUILD, BOB, CODE)).verified
    clock.now += 541
    assert (await event.verify(GUILD, ALICE, CODE)).verified


async def test_limit_survives_a_restart(event, clock, database):
    for _ in range(5):
        with pytest.raises(InvalidInput):
            await event.verify(GUILD, ALICE, "WRONG")
    await event.close()
    reopened = await EventService.open(database, clock=clock)
    try:
        with pytest.raises(RateLimited):
            await reopened.verify(GUILD, ALICE, CODE)
    finally:
        await reopened.close()


async def test_rotate_and_set_code(event):
    new = await event.rotate_code(GUILD, ADMIN)
    assert new == CODE  # the test's code factory
    await event.set_code(GUILD, ADMIN, "wxyz-7890".replace("0", "9"))
    with pytest.raises(InvalidInput):
        await event.verify(GUILD, ALICE, CODE)
    assert (await event.verify(GUILD, ALICE, "WXYZ7899")).verified
    assert await event.show_code(GUILD, ADMIN) == "WXYZ7899"


@pytest.mark.parametrize("bad", ["abc", "ABCDO123", "x" * 40, "", "AB CD\x00", "K7M2Q",
                                 "AAAAAAAA", "ABABABAB", "ABCDEFGH", "98765432", "ABCD2345",
                                 "TESTCAMP7", "K7\ud800M2Q9"])
async def test_admin_codes_must_be_unambiguous_long_enough_and_not_guessable(event, bad):
    """Short ones, runs, repeats and the event's name ("Test camp") are refused; a lone
    surrogate is refused plainly, not as an encoding error."""
    with pytest.raises(InvalidInput):
        await event.set_code(GUILD, ADMIN, bad)
    assert await event.show_code(GUILD, ADMIN) == CODE


async def test_only_admins_see_or_change_the_code(event):
    with pytest.raises(Forbidden):
        await event.show_code(GUILD, ALICE)
    with pytest.raises(Forbidden):
        await event.rotate_code(GUILD, ALICE)
    assert (await event.settings(GUILD, ALICE)).verification_code is None
    assert (await event.settings(GUILD, ADMIN)).verification_code == CODE


async def test_a_lone_surrogate_entered_as_a_code_is_just_wrong(event):
    with pytest.raises(InvalidInput, match="not right"):
        await event.verify(GUILD, ALICE, "AB\ud800CD")


async def test_many_accounts_cannot_pool_their_guesses(event, clock):
    """50 wrong codes per server per 10 minutes, whoever enters them: then everyone waits
    (the right code too, or guessing would go on), and the 50th says the organisers should
    hear of it."""
    bursts = []
    for n in range(SERVER_MAX_FAILURES):
        with pytest.raises(WrongCode) as info:
            await event.verify(GUILD, Actor(5000 + n, f"guesser {n}"), f"WRONG{n:03d}")
        bursts.append(info.value.burst)
    assert bursts == [False] * (SERVER_MAX_FAILURES - 1) + [True]
    with pytest.raises(RateLimited, match="on this server"):
        await event.verify(GUILD, BOB, CODE)
    clock.now += codes.FAILURE_WINDOW_SECONDS + 1
    assert (await event.verify(GUILD, BOB, CODE)).verified


async def test_old_failures_and_strangers_who_left_no_trace_are_forgotten(event, clock):
    """A stranger met long ago who never verified, proposed or rated is forgotten; one with a
    session, a level, or a reminder setting is kept, and so are verified people."""
    for uid in (701, 702, 703, 704, 705):  # first contact: a wrong code each
        with pytest.raises(WrongCode):
            await event.verify(GUILD, Actor(uid, f"s{uid}"), "WRONG")
    await event.update_settings(GUILD, ADMIN, verification_required=False)
    talk = await event.propose(GUILD, Actor(702, "s702"), "Kept talk", "d")
    await event.set_interest(GUILD, Actor(703, "s703"), talk.id, 75)
    await event.set_reminders(GUILD, Actor(704, "s704"), True)
    long_ago = "2020-01-01T00:00:00+00:00"
    await event.db.write(lambda c: c.execute("UPDATE attendees SET first_seen = ?", (long_ago,)))
    clock.now += PRUNE_EVERY_SECONDS  # the next look, and the wrong codes are old too
    await event.verify(GUILD, ALICE, CODE)
    left = {r["user_id"] for r in await rows(event.db, "SELECT user_id FROM attendees")}
    assert {701, 705}.isdisjoint(left) and {702, 703, 704, ALICE.user_id} <= left
    assert await rows(event.db, "SELECT * FROM verify_failures") == []


async def test_the_organisers_hear_of_guessing_once_per_window(event, clock):
    """Sustained guessing keeps reaching the server's limit as old wrong codes expire; the
    organisers are told once per 10 minutes, not at each."""
    async def wrong(n: int) -> bool:
        with pytest.raises(WrongCode) as info:
            await event.verify(GUILD, Actor(6000 + n, "g"), f"WRONG{n:04d}")
        return info.value.burst

    assert not any([await wrong(n) for n in range(SERVER_MAX_FAILURES - 1)])
    clock.now += 300
    assert await wrong(SERVER_MAX_FAILURES)  # the limit reached: told
    clock.now += 301  # the first 49 expire; the one that reached the limit stays
    later = [await wrong(100 + n) for n in range(SERVER_MAX_FAILURES - 1)]
    assert later[-1] is False and not any(later)  # the limit reached again, within the window
    clock.now += 601  # everything before has expired
    assert not any([await wrong(200 + n) for n in range(SERVER_MAX_FAILURES - 1)])
    assert await wrong(300)  # a new window: told again
