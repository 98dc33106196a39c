"""The world as data: copies are independent and keep a user shared by its account keys."""

from __future__ import annotations

from mockserver.world import User, UserDomain, World, email_key, phone_key

DOMAIN = "C.DM.5903.1"
PHONE = phone_key(DOMAIN, "86", "13800138000")
EMAIL = email_key(DOMAIN, "alice@example.com")


def make_world() -> World:
    world = World()
    world.domains[DOMAIN] = UserDomain(id=DOMAIN)
    world.add_user(
        User(user_domain=DOMAIN, phone="13800138000", email="alice@example.com", password="old")
    )
    world.issue_code(PHONE, "606754", None)
    return world


def test_world_copy_is_equal_and_independent():
    world = make_world()
    twin = world.copy()
    assert twin == world
    twin.apply_reset(PHONE, "new")
    twin.issue_code(EMAIL, "111111", None)
    assert world == make_world()
    assert (world.users[PHONE].password, world.codes[PHONE].used) == ("old", False)
    assert not world.code_sent("111111") and twin.code_sent("111111")


def test_world_copy_keeps_one_user_under_each_of_its_keys():
    twin = make_world().copy()
    twin.apply_reset(PHONE, "new")
    assert twin.users[EMAIL].password == "new"
