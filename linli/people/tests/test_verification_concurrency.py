"""Two accounts verifying as the same resident at the same moment: exactly one is bound (PostgreSQL)."""

import datetime as dt

import pytest

from linli.accounts.models import Role, RoleAssignment
from linli.conftest import run_together
from linli.core.errors import DomainError
from linli.people import idnumber, services
from linli.people.models import Resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NUMBER = idnumber.make_id_number("330109", dt.date(1950, 3, 8), 1)


def test_two_accounts_claiming_one_resident_at_once_one_wins_the_other_is_told(make_user, resident):
    accounts = [make_user() for _ in range(4)]
    codes: list[str] = []

    def claim(user) -> None:  # type: ignore[no-untyped-def]
        try:
            services.resident_verify(actor=user, name="周丽君", id_number=NUMBER)
            codes.append("verified")
        except DomainError as exc:
            codes.append(exc.code)

    assert run_together([lambda u=u: claim(u) for u in accounts]) == []
    assert sorted(codes) == ["already_bound"] * 3 + ["verified"]
    resident.refresh_from_db()
    assert resident.user in accounts
    assert RoleAssignment.objects.filter(role=Role.RESIDENT, user__in=accounts).count() == 1


def test_one_account_claiming_two_residents_at_once_gets_one(make_user, community, other_community):
    from linli.conftest import make_resident

    make_resident(community, seq=4, name="孙八")
    other = make_resident(other_community, seq=5, name="孙八")
    other.birth_date = dt.date(1950, 3, 8)
    other.save()
    user = make_user()
    codes: list[str] = []

    def claim(seq: int) -> None:
        try:
            services.resident_verify(
                actor=user, name="孙八", id_number=idnumber.make_id_number("330109", dt.date(1950, 3, 8), seq)
            )
            codes.append("verified")
        except DomainError as exc:
            codes.append(exc.code)

    assert run_together([lambda: claim(4), lambda: claim(5)]) == []
    assert sorted(codes) == ["already_verified", "verified"]
    assert Resident.objects.filter(user=user).count() == 1


def test_two_staff_inviting_one_building_at_once_send_each_resident_one_sms(users, community):
    from linli.conftest import make_resident
    from linli.notifications.sms import LocmemSMSBackend
    from linli.people.invitation_selectors import Audience
    from linli.people.models import Invitation
    from linli.places.models import Building

    LocmemSMSBackend.outbox.clear()
    for seq in (41, 42, 43):
        make_resident(community, name=f"居民{seq}", seq=seq, mobile=f"137111100{seq}")
    audience = Audience(building=Building.objects.get(community=community))
    codes: list[str] = []

    def send(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            services.invitations_send(actor=actor, community=community, audience=audience)
            codes.append("sent")
        except DomainError as exc:
            codes.append(exc.code)

    staff = [users["social_worker"], users["community_admin"]] * 2
    assert run_together([lambda a=a: send(a) for a in staff]) == []
    assert sorted(codes) == ["nobody"] * 3 + ["sent"]
    assert Invitation.objects.count() == 3
    assert sorted(m.mobile for m in LocmemSMSBackend.outbox) == ["13711110041", "13711110042", "13711110043"]
