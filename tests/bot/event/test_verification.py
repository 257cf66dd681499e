import pytest

from bot.event import EventService, Forbidden, InvalidInput, RateLimited
from bot.event.codes import ALPHABET, new_code
from tests.bot.conftest import ADMIN, ALICE, BOB, CODE, GUILD


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


@pytest.mark.parametrize("bad", ["abc", "ABCDO123", "x" * 40, "", "AB CD\x00"])
async def test_admin_codes_must_be_unambiguous(event, bad):
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
