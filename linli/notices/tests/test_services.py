"""Notices: targeting of each kind and combined, publication now and later, read receipts, SMS urgent and a day late
(never twice), expiry and withdrawal, and the audit rows of staff writes."""

import datetime as dt
import functools
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notices import selectors, services
from linli.notices.models import Notice, NoticeRecipient
from linli.notices.sms import delayed_send, urgent_send
from linli.notices.targeting import NoticeTargets
from linli.notifications.sms import LocmemSMSBackend
from linli.people.models import Resident
from linli.places.models import Building

from .conftest import Estate, sms_to

pytestmark = pytest.mark.django_db


def publish(actor: Any, estate: Estate, targets: NoticeTargets | None = None, **extra: Any) -> Notice:
    notice = services.notice_create(
        actor=actor, community=estate.community, title="停水通知", body="明天上午停水。", targets=targets, **extra
    )
    return services.notice_publish(actor=actor, notice=notice)


def reached(notice: Notice) -> set[str]:
    return set(NoticeRecipient.objects.filter(notice=notice).values_list("resident__name", flat=True))


def test_everyone_by_default_and_each_kind_of_target(users: dict[str, Any], estate: Estate) -> None:
    admin = users["community_admin"]
    everyone = {"周丽君"} if Resident.objects.filter(name="周丽君").exists() else set()
    everyone |= {"陈阿婆", "李大爷", "王奶奶", "张伟", "张小宝"}
    assert reached(publish(admin, estate)) == everyone
    assert reached(publish(admin, estate, NoticeTargets(buildings=[estate.b2]))) == {"王奶奶"}
    assert reached(publish(admin, estate, NoticeTargets(grids=[estate.g1]))) == {"陈阿婆", "李大爷", "张伟", "张小宝"}
    hood = estate.b1.neighbourhood
    assert hood is not None
    assert reached(publish(admin, estate, NoticeTargets(neighbourhoods=[hood]))) == {
        "陈阿婆",
        "李大爷",
        "张伟",
        "张小宝",
    }
    assert reached(publish(admin, estate, NoticeTargets(age_tiers=["senior_80"]))) == {"陈阿婆", "李大爷"}
    assert reached(publish(admin, estate, NoticeTargets(age_tiers=["pupil", "adult"]))) == {"张伟", "张小宝"}
    assert reached(publish(admin, estate, NoticeTargets(tags=[estate.alone]))) == {"陈阿婆", "李大爷", "王奶奶"}


def test_targets_combine_across_kinds(users: dict[str, Any], estate: Estate) -> None:
    admin = users["community_admin"]
    building_and_tag = NoticeTargets(buildings=[estate.b1], tags=[estate.alone])
    assert reached(publish(admin, estate, building_and_tag)) == {"陈阿婆", "李大爷"}
    two_places_and_age = NoticeTargets(buildings=[estate.b2], grids=[estate.g1], age_tiers=["senior_70"])
    assert reached(publish(admin, estate, two_places_and_age)) == {"王奶奶"}


def test_moved_out_residents_are_not_reached(users: dict[str, Any], estate: Estate) -> None:
    estate.alone_b2.moved_out_on = dt.date(2024, 1, 1)
    estate.alone_b2.save(update_fields=["moved_out_on"])
    assert "王奶奶" not in reached(publish(users["community_admin"], estate, NoticeTargets(tags=[estate.alone])))


def test_who_writes_and_what_they_may_target(
    users: dict[str, Any], estate: Estate, other_community: Any, street: Any
) -> None:
    for role in ("resident", "volunteer", "grid_steward", "merchant_staff", "operator", "street_admin", "outsider"):
        with pytest.raises(NotAllowed):
            services.notice_create(actor=users[role], community=estate.community, title="t", body="b")
    social = services.notice_create(actor=users["social_worker"], community=estate.community, title="t", body="b")
    assert social.status == Notice.Status.DRAFT
    foreign = Building.objects.get(community=other_community)
    count = Notice.objects.count()
    with pytest.raises(DomainError) as refused:
        services.notice_create(
            actor=users["community_admin"],
            community=estate.community,
            title="t",
            body="b",
            targets=NoticeTargets(buildings=[foreign]),
        )
    assert refused.value.field == "buildings"
    with pytest.raises(DomainError):
        services.notice_create(
            actor=users["community_admin"],
            community=estate.community,
            title="t",
            body="b",
            targets=NoticeTargets(age_tiers=["ancient"]),
        )
    # A street admin writes to the street's communities, but may not see sensitive tags, so may not target them.
    with pytest.raises(NotAllowed):
        services.notice_create(
            actor=users["street_admin"], street=street, title="t", body="b", targets=NoticeTargets(tags=[estate.alone])
        )
    with pytest.raises(DomainError):
        services.notice_create(
            actor=users["street_admin"],
            street=street,
            title="t",
            body="b",
            targets=NoticeTargets(buildings=[estate.b1]),
        )
    assert Notice.objects.count() == count


def test_a_street_notice_reaches_its_communities(
    users: dict[str, Any], estate: Estate, other_community: Any, street: Any, far_community: Any
) -> None:
    make_resident(other_community, name="利民居民", seq=40)
    make_resident(far_community, name="广德居民", seq=41)
    notice = services.notice_create(actor=users["street_admin"], street=street, title="防汛", body="注意防汛")
    services.notice_publish(actor=users["street_admin"], notice=notice)
    names = reached(notice)
    assert "利民居民" in names and "陈阿婆" in names and "广德居民" not in names
    only_other = services.notice_create(
        actor=users["street_admin"],
        street=street,
        title="t",
        body="b",
        targets=NoticeTargets(communities=[other_community]),
    )
    services.notice_publish(actor=users["street_admin"], notice=only_other)
    assert reached(only_other) == {"利民居民"}
    # Community staff see the street's notice among theirs, with read counts among their residents.
    listed = {
        n.pk: n for n in selectors.notices_of_community(user=users["community_admin"], community=estate.community)
    }
    assert notice.pk in listed and only_other.pk not in listed
    assert (
        listed[notice.pk].recipient_count
        == NoticeRecipient.objects.filter(notice=notice, community=estate.community).count()
    )


def test_urgent_sms_goes_at_once_to_everyone_targeted_with_a_mobile_and_never_twice(
    users: dict[str, Any], estate: Estate, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(
            users["community_admin"], estate, NoticeTargets(buildings=[estate.b1], tags=[estate.alone]), urgent=True
        )
    app_mobile = estate.alone_b1_app.user.mobile  # type: ignore[union-attr]
    assert sms_to() == sorted(["13900000101", app_mobile])
    assert "紧急" in sms_texts()
    assert NoticeRecipient.objects.filter(notice=notice, sms_sent_at__isnull=True).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert urgent_send(notice_id=notice.pk) == 0
    assert len(sms_to()) == 2


def sms_texts() -> str:
    return " ".join(m.text for m in LocmemSMSBackend.outbox)


def test_ordinary_sms_a_day_later_only_to_unread_who_rely_on_sms(
    users: dict[str, Any], estate: Estate, django_capture_on_commit_callbacks: Any
) -> None:
    admin = users["community_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(admin, estate)
    assert sms_to() == []  # ordinary: nothing at publication
    published = notice.published_at
    assert published is not None
    services.notice_read(
        actor=estate.alone_b2.user or users["outsider"], notice=notice
    ) if estate.alone_b2.user else None
    # 王奶奶 has no account; say she read it on a neighbour's phone.
    NoticeRecipient.objects.filter(notice=notice, resident=estate.alone_b2).update(read_at=published)
    with django_capture_on_commit_callbacks(execute=True):
        assert delayed_send(now=published + dt.timedelta(hours=23)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = delayed_send(now=published + dt.timedelta(hours=25))
    # 陈阿婆 (no account) and 李大爷 (account never used); not 张伟 (uses the app), not 王奶奶 (read), not the child
    # and 周丽君 (no mobile).
    app_mobile = estate.alone_b1_app.user.mobile  # type: ignore[union-attr]
    assert sms_to() == sorted(["13900000101", app_mobile]) and sent == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert delayed_send(now=published + dt.timedelta(hours=30)) == 0
    assert len(sms_to()) == 2


def test_a_resident_who_asks_for_sms_gets_the_day_late_one(
    users: dict[str, Any], estate: Estate, django_capture_on_commit_callbacks: Any
) -> None:
    adult_user = estate.adult_b1.user
    services.sms_preference_set(actor=adult_user, resident=estate.adult_b1, by_sms=True)
    with pytest.raises(NotAllowed):
        services.sms_preference_set(actor=users["outsider"], resident=estate.adult_b1, by_sms=False)
    notice = publish(users["community_admin"], estate, NoticeTargets(buildings=[estate.b1]))
    services.notice_read(actor=estate.alone_b1_app.user, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        delayed_send(now=notice.published_at + dt.timedelta(days=1, minutes=1))  # type: ignore[operator]
    assert sms_to() == ["13900000101", "13900000104"]


def test_no_day_late_sms_for_an_expired_or_withdrawn_notice(
    users: dict[str, Any], estate: Estate, django_capture_on_commit_callbacks: Any
) -> None:
    admin = users["community_admin"]
    soon = timezone.now() + dt.timedelta(hours=2)
    expiring = publish(admin, estate, NoticeTargets(buildings=[estate.b1]), expires_at=soon)
    withdrawn = publish(admin, estate, NoticeTargets(buildings=[estate.b1]))
    services.notice_withdraw(actor=admin, notice=withdrawn)
    with django_capture_on_commit_callbacks(execute=True):
        assert delayed_send(now=timezone.now() + dt.timedelta(days=1, hours=1)) == 0
    assert sms_to() == []
    assert expiring.pk  # published, then ended


def test_scheduled_notices_publish_when_due(users: dict[str, Any], estate: Estate) -> None:
    admin = users["community_admin"]
    notice = services.notice_create(actor=admin, community=estate.community, title="体检", body="周五免费体检")
    later = timezone.now() + dt.timedelta(hours=3)
    services.notice_publish(actor=admin, notice=notice, publish_at=later)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SCHEDULED and not NoticeRecipient.objects.filter(notice=notice).exists()
    assert services.notices_tick(now=later - dt.timedelta(minutes=1))["published"] == 0
    assert services.notices_tick(now=later)["published"] == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED and NoticeRecipient.objects.filter(notice=notice).exists()
    assert services.notices_tick(now=later)["published"] == 0
    assert AuditEntry.objects.filter(action="notice.publish", object_id=str(notice.pk), actor=None).count() == 1
    with pytest.raises(Conflict):
        services.notice_publish(actor=admin, notice=notice)


def test_read_receipts_and_what_a_resident_sees(users: dict[str, Any], estate: Estate) -> None:
    admin = users["community_admin"]
    pinned = publish(admin, estate, NoticeTargets(buildings=[estate.b1]), pinned=True)
    plain = publish(admin, estate, NoticeTargets(buildings=[estate.b1]))
    not_mine = publish(admin, estate, NoticeTargets(buildings=[estate.b2]))
    ended = publish(admin, estate, NoticeTargets(buildings=[estate.b1]), expires_at=timezone.now() + dt.timedelta(1))
    Notice.objects.filter(pk=ended.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    user = estate.adult_b1.user
    mine = [r.notice_id for r in selectors.my_notices(user=user)]
    assert mine == [pinned.pk, plain.pk]
    with pytest.raises(NotFound):
        selectors.my_notice_get(user=user, pk=not_mine.pk)
    with pytest.raises(NotFound):
        selectors.my_notice_get(user=user, pk=ended.pk)
    first = services.notice_read(actor=user, notice=plain).read_at
    assert first is not None
    assert services.notice_read(actor=user, notice=plain).read_at == first  # the first opening counts
    assert [r.notice_id for r in selectors.my_unread(user=user)] == [pinned.pk]
    services.notice_withdraw(actor=admin, notice=pinned)
    assert [r.notice_id for r in selectors.my_notices(user=user)] == [plain.pk]


def test_the_steward_sees_only_their_grid(users: dict[str, Any], estate: Estate) -> None:
    notice = publish(users["community_admin"], estate, NoticeTargets(tags=[estate.alone]), urgent=True)
    rows = selectors.unread_in_my_grids(user=estate.steward, notice=notice, community=estate.community)
    assert {r.resident.name for r in rows} == {"陈阿婆", "李大爷"}  # not 王奶奶, in grid 2
    services.notice_read(actor=estate.alone_b1_app.user, notice=notice)
    rows = selectors.unread_in_my_grids(user=estate.steward, notice=notice, community=estate.community)
    assert [r.resident.name for r in rows] == ["陈阿婆"]
    assert [n.unread_count for n in selectors.urgent_for_steward(user=estate.steward, community=estate.community)] == [
        1
    ]
    for role in ("community_admin", "social_worker", "resident"):
        with pytest.raises(NotAllowed):
            selectors.unread_in_my_grids(user=users[role], notice=notice, community=estate.community)


def test_staff_writes_leave_audit_rows(users: dict[str, Any], estate: Estate) -> None:
    admin = users["community_admin"]
    notice = services.notice_create(actor=admin, community=estate.community, title="t", body="b")
    edit = functools.partial(
        services.notice_update, actor=admin, notice=notice, urgent=True, pinned=False, expires_at=None
    )
    edit(title="t2", body="b2", targets=NoticeTargets(buildings=[estate.b1]))
    services.notice_publish(actor=admin, notice=notice)
    with pytest.raises(Conflict):
        edit(title="t3", body="b", targets=NoticeTargets())
    services.notice_withdraw(actor=admin, notice=notice)
    actions = list(
        AuditEntry.objects.filter(object_type="notices.notice", object_id=str(notice.pk))
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("notice.create", admin.pk),
        ("notice.update", admin.pk),
        ("notice.publish", admin.pk),
        ("notice.withdraw", admin.pk),
    ]
    notice.refresh_from_db()
    assert notice.title == "t2"


def test_the_periodic_job_is_listed_and_runs(users: dict[str, Any], estate: Estate) -> None:
    from linli.core.schedule import PERIODIC_TASKS
    from linli.notices.tasks import notices_tick

    assert "linli.notices.tasks.notices_tick" in dict(PERIODIC_TASKS)
    assert notices_tick.enqueue().return_value == {"published": 0, "sms": 0}


def test_a_notice_written_published_and_read_on_past_days_carries_those_days(
    users: dict[str, Any], estate: Estate
) -> None:
    """`now` dates the draft, the publication and the receipt; a second opening keeps the first receipt."""
    admin = users["community_admin"]
    written = timezone.now() - dt.timedelta(days=30)
    notice = services.notice_create(
        actor=admin, community=estate.community, title="停水通知", body="明天上午停水。", now=written
    )
    assert Notice.objects.get(pk=notice.pk).created_at == written
    services.notice_publish(actor=admin, notice=notice, now=written + dt.timedelta(hours=2))
    user = estate.adult_b1.user
    opened = written + dt.timedelta(hours=5)
    assert services.notice_read(actor=user, notice=notice, now=opened).read_at == opened
    assert services.notice_read(actor=user, notice=notice, now=opened + dt.timedelta(days=1)).read_at == opened
    assert NoticeRecipient.objects.get(notice=notice, resident__user=user).read_at == opened
    assert services.notice_create(actor=admin, community=estate.community, title="t", body="b").created_at > written
