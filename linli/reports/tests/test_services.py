"""Submitting, routing, the state machine, escalation over a clock the test controls, reopening and rating."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger.models import Transaction
from linli.notifications.models import Notification
from linli.notifications.services import telling_no_one
from linli.notifications.sms import LocmemSMSBackend
from linli.places.models import Building, Grid
from linli.reports import rules, services
from linli.reports.models import Category, Level, Report, ReportEvent, ReportPhoto
from linli.reports.photos import photo_clean

from .conftest import CENTRE, jpeg_with_gps

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
S = Report.Status


def submit(community: Any, category: Any, actor: Any, **extra: Any) -> Report:
    data: dict[str, Any] = {
        "description": "3幢门口路灯不亮",
        "lat": CENTRE[0],
        "lng": CENTRE[1],
        "attributes": {"floor": ["1"]},
        "now": T0,
    }
    data.update(extra)
    return services.report_submit(actor=actor, community=community, category=category, **data)


def test_submit_routes_to_the_grid_steward_and_tells_them_after_commit(
    community: Any, category: Any, steward: Any, resident_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    LocmemSMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(community, category, resident_user)
    assert report.status == S.SUBMITTED
    assert report.grid is not None and report.grid.code == "G1"
    assert report.assignee == steward and report.level == Level.STEWARD
    assert report.due_at == T0 + dt.timedelta(hours=4)
    assert report.expected_at == T0 + dt.timedelta(hours=4 + 24 + 48)
    assert report.attributes == {"floor": "1"}
    assert Notification.objects.filter(user=steward).count() == 1
    assert [m.mobile for m in LocmemSMSBackend.outbox] == [steward.mobile]
    assert report.events.get().kind == ReportEvent.Kind.SUBMITTED
    assert AuditEntry.objects.filter(action="report.submit", object_id=str(report.pk)).exists()


def test_nothing_is_sent_when_the_transaction_rolls_back(
    community: Any, category: Any, steward: Any, resident_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(community, category, resident_user)
    assert callbacks, "notifications wait for the commit"
    assert Notification.objects.count() == 0


def test_a_building_routes_to_its_grid(community: Any, category: Any, steward: Any, resident_user: Any) -> None:
    building = Building.objects.get(community=community)
    report = submit(community, category, resident_user, lat=None, lng=None, building=building)
    assert report.grid == building.grid and report.lat == building.lat


def test_an_address_naming_a_building_routes_to_its_grid_and_others_go_to_the_community(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    building = Building.objects.get(community=community)
    named = submit(community, category, resident_user, lat=None, lng=None, address=f"{building.name}东侧")
    assert named.building == building and named.level == Level.STEWARD
    vague = submit(community, category, resident_user, lat=None, lng=None, address="小区北门外")
    assert vague.grid is None and vague.level == Level.COMMUNITY and vague.assignee is None


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"description": "x" * 5000}, "description_too_long"),
        ({"description": "   "}, "missing_description"),
        ({"lat": 31.5, "lng": 121.0}, "outside_grids"),
        ({"lat": None, "lng": None}, "no_location"),
        ({"attributes": {}}, "missing_attribute"),
        ({"attributes": {"floor": ["9"]}}, "invalid_attribute"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(
    community: Any, category: Any, steward: Any, resident_user: Any, extra: dict[str, Any], code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        submit(community, category, resident_user, **extra)
    assert caught.value.code == code and str(caught.value.message)
    assert Report.objects.count() == 0 and ReportEvent.objects.count() == 0 and Notification.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused_and_nothing_saved(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    with pytest.raises(DomainError) as caught:
        photo_clean(SimpleUploadedFile("lamp.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg"))
    assert caught.value.code == "photo_not_image" and "lamp.jpg" in str(caught.value.message)
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0


def test_photos_are_reencoded_without_exif_or_gps(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo does carry metadata
    clean = photo_clean(SimpleUploadedFile("p.jpg", original, content_type="image/jpeg"))
    report = submit(community, category, resident_user, photos=[clean])
    stored = report.photos.get()
    image = Image.open(stored.image.open("rb"))
    assert image.format == "JPEG" and not image.getexif() and (stored.width, stored.height) == (64, 48)


def test_a_guest_needs_a_mobile_number_and_hears_by_sms(
    community: Any, category: Any, steward: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(DomainError):
        submit(community, category, None)
    report = submit(community, category, None, guest_mobile="13912345678")
    LocmemSMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(actor=steward, report=report, now=T0 + dt.timedelta(hours=1))
    assert "13912345678" in [m.mobile for m in LocmemSMSBackend.outbox]


def test_the_full_path_to_a_fix_and_every_change_is_an_event(
    community: Any,
    category: Any,
    steward: Any,
    fixer: Any,
    resident_user: Any,
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    report = submit(community, category, resident_user)
    neighbour = make_user(Role.RESIDENT, community)
    assert services.report_support(actor=neighbour, report=report, now=T0) is True
    assert services.report_support(actor=neighbour, report=report, now=T0) is False  # idempotent
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_accept(actor=steward, report=report, note="已派物业", now=T0 + dt.timedelta(hours=1))
    assert report.assignee == fixer  # then to the category's responsible party
    assert Notification.objects.filter(user=fixer).exists()
    assert (
        Notification.objects.filter(user=resident_user).exists()
        and Notification.objects.filter(user=neighbour).exists()
    )
    report = services.report_start(actor=fixer, report=report, now=T0 + dt.timedelta(hours=2))
    assert report.due_at == T0 + dt.timedelta(hours=2 + 48)
    report = services.report_resolve(actor=fixer, report=report, note="已更换灯泡", now=T0 + dt.timedelta(hours=5))
    assert report.status == S.RESOLVED and report.status_notes == "已更换灯泡" and report.due_at is None
    report = services.report_rate(
        actor=resident_user, report=report, rating=5, comment="很快", now=T0 + dt.timedelta(hours=6)
    )
    report.refresh_from_db()
    assert report.status == S.CLOSED and report.rating == 5
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "supported", "accepted", "started", "resolved", "rated", "closed"]
    assert report.supporters_count == 1


def test_only_the_right_people_handle_a_report(
    community: Any,
    other_community: Any,
    category: Any,
    steward: Any,
    resident_user: Any,
    users: dict[str, Any],
    make_user: Any,
) -> None:
    report = submit(community, category, resident_user)
    other_grid_steward = make_user(Role.GRID_STEWARD, community)
    for who in (
        resident_user,
        other_grid_steward,
        users["outsider"],
        users["city_viewer"],
        make_user(Role.COMMUNITY_ADMIN, other_community),
    ):
        with pytest.raises(NotAllowed):
            services.report_accept(actor=who, report=report, now=T0)
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.events.count() == 1
    for who in (users["social_worker"], users["community_admin"], users["street_admin"]):
        assert rules.can_handle_report(who, report)


def test_transitions_that_make_no_sense_are_refused(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    report = submit(community, category, resident_user)
    with pytest.raises(Conflict):
        services.report_start(actor=steward, report=report, now=T0)
    with pytest.raises(DomainError):
        services.report_reject(actor=steward, report=report, note="", now=T0)


def test_overdue_reports_climb_steward_community_street_on_the_test_clock(
    community: Any,
    category: Any,
    steward: Any,
    resident_user: Any,
    users: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    report = submit(community, category, resident_user)
    assert services.reports_escalate_overdue(now=T0 + dt.timedelta(hours=3, minutes=59)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_escalate_overdue(now=T0 + dt.timedelta(hours=4)) == 1
    report.refresh_from_db()
    assert report.level == Level.COMMUNITY and report.overdue
    assert report.due_at == T0 + dt.timedelta(hours=8)
    assert Notification.objects.filter(user=users["social_worker"]).exists()
    assert Notification.objects.filter(user=users["community_admin"]).exists()
    assert not Notification.objects.filter(user=users["street_admin"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_escalate_overdue(now=T0 + dt.timedelta(hours=8)) == 1
    report.refresh_from_db()
    assert report.level == Level.STREET
    assert Notification.objects.filter(user=users["street_admin"]).exists()
    assert services.reports_escalate_overdue(now=T0 + dt.timedelta(hours=12)) == 0  # nowhere higher to go
    report.refresh_from_db()
    assert report.due_at is None and report.level == Level.STREET
    assert list(report.events.filter(kind="escalated").values_list("level", flat=True)) == [2, 3]


def test_a_report_handled_in_time_does_not_escalate(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    report = submit(community, category, resident_user)
    services.report_accept(actor=steward, report=report, now=T0 + dt.timedelta(hours=3))
    assert services.reports_escalate_overdue(now=T0 + dt.timedelta(hours=5)) == 0
    # accepted: 24 hours to start work
    assert services.reports_escalate_overdue(now=T0 + dt.timedelta(hours=27)) == 1


def test_the_reporter_may_reopen_within_the_period_only(
    community: Any, category: Any, steward: Any, fixer: Any, resident_user: Any, make_user: Any
) -> None:
    report = submit(community, category, resident_user)
    services.report_accept(actor=steward, report=report, now=T0)
    resolved_at = T0 + dt.timedelta(hours=5)
    services.report_resolve(actor=fixer, report=report, note="修好了", now=resolved_at)
    with pytest.raises(NotAllowed):
        services.report_reopen(
            actor=make_user(Role.RESIDENT, community), report=report, note="还是不亮", now=resolved_at
        )
    report = services.report_reopen(
        actor=resident_user, report=report, note="还是不亮", now=resolved_at + dt.timedelta(days=2)
    )
    assert report.status == S.ACCEPTED and report.reopen_count == 1 and report.due_at is not None
    services.report_resolve(actor=fixer, report=report, note="换了线路", now=resolved_at + dt.timedelta(days=3))
    with pytest.raises(Conflict):
        services.report_reopen(
            actor=resident_user, report=report, note="又坏了", now=resolved_at + dt.timedelta(days=10, seconds=1)
        )


def test_resolved_reports_close_by_themselves_after_the_reopen_period(
    community: Any, category: Any, steward: Any, fixer: Any, resident_user: Any
) -> None:
    report = submit(community, category, resident_user)
    services.report_accept(actor=steward, report=report, now=T0)
    services.report_resolve(actor=fixer, report=report, note="ok", now=T0)
    assert services.reports_close_resolved(now=T0 + dt.timedelta(days=7)) == 0
    assert services.reports_close_resolved(now=T0 + dt.timedelta(days=7, minutes=1)) == 1
    report.refresh_from_db()
    assert report.status == S.CLOSED


def test_each_category_closes_after_its_own_reopen_period(
    community: Any, category: Any, steward: Any, fixer: Any, resident_user: Any
) -> None:
    quick = Category.objects.create(community=community, code="quick", name="快速", reopen_within_days=2)
    reports = [submit(community, c, resident_user) for c in (category, quick)]
    for report in reports:
        report = services.report_accept(actor=steward, report=report, now=T0)
        services.report_resolve(actor=report.assignee, report=report, note="ok", now=T0)
    assert services.reports_close_resolved(now=T0 + dt.timedelta(days=3)) == 1
    assert services.reports_close_resolved(now=T0 + dt.timedelta(days=8)) == 1
    closed = Report.objects.filter(status=S.CLOSED).order_by("updated_at").values_list("category", flat=True)
    assert list(closed) == [quick.pk, category.pk]


def test_a_duplicate_makes_its_reporter_a_supporter_of_the_original(
    community: Any, category: Any, steward: Any, resident_user: Any, make_user: Any
) -> None:
    first = submit(community, category, resident_user)
    other = make_user(Role.RESIDENT, community)
    second = submit(community, category, other)
    services.report_mark_duplicate(actor=steward, report=second, original=first, now=T0)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == S.DUPLICATE and second.duplicate_of == first
    assert first.supporters_count == 1 and first.supports.filter(user=other).exists()


def test_bulk_assign_is_all_or_nothing(
    community: Any, other_community: Any, category: Any, steward: Any, resident_user: Any, users: dict[str, Any]
) -> None:
    a = submit(community, category, resident_user)
    b = submit(community, category, resident_user)
    worker = users["social_worker"]
    with pytest.raises(DomainError):
        services.reports_assign_bulk(
            actor=worker, community=community, report_ids=[a.pk, b.pk, 999999], assignee=worker
        )
    assert Report.objects.filter(assignee=worker).count() == 0
    with pytest.raises(NotAllowed):
        services.reports_assign_bulk(actor=steward, community=community, report_ids=[a.pk], assignee=steward)
    assert (
        services.reports_assign_bulk(actor=worker, community=community, report_ids=[a.pk, b.pk], assignee=worker) == 2
    )
    assert Report.objects.filter(assignee=worker).count() == 2


def test_grids_without_outline_take_the_points_near_their_buildings_and_far_points_are_refused(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    Grid.objects.filter(community=community).update(boundary=None)
    report = submit(community, category, resident_user)  # beside 1幢, whose grid has no outline drawn
    assert report.grid is not None and report.grid.code == "G1"
    with pytest.raises(DomainError) as caught:
        submit(community, category, resident_user, lat=CENTRE[0] + 0.004, lng=CENTRE[1] + 0.004)  # 500 m away
    assert caught.value.code == "outside_grids"


def test_a_confirmed_report_earns_its_reporter_points_once(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    from django.core.management import call_command

    from linli.conftest import make_resident
    from linli.ledger.services import resident_account

    resident = make_resident(community, name="周丽君")
    resident.user = resident_user
    resident.save(update_fields=["user"])
    report = submit(community, category, resident_user)
    services.report_accept(actor=steward, report=report, now=T0)
    account = resident_account(resident)
    account.refresh_from_db()
    assert account.balance == 5  # the default report_confirmed rule
    # A guest's report earns nothing, and accepting never pays twice (idempotency key per report).
    services.report_confirmed_award_points(report=report, actor=steward)
    account.refresh_from_db()
    assert account.balance == 5
    call_command("ledger_check")
    earned = Transaction.objects.get(rule_code="report_confirmed")
    assert (earned.occurred_at, earned.memo) == (T0, f"#{report.pk}")


def test_a_past_recorded_quietly_tells_nobody_and_keeps_its_trail(
    community: Any,
    category: Any,
    steward: Any,
    fixer: Any,
    resident_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    LocmemSMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), telling_no_one():
        report = submit(community, category, resident_user)
        report = services.report_accept(actor=steward, report=report, now=T0 + dt.timedelta(hours=1))
        assert services.reports_escalate_overdue(now=T0 + dt.timedelta(days=3)) == 1
        report = services.report_resolve(actor=fixer, report=report, note="已更换", now=T0 + dt.timedelta(days=4))
        report = services.report_rate(actor=resident_user, report=report, rating=5, now=T0 + dt.timedelta(days=5))
    assert report.status == S.CLOSED
    assert not Notification.objects.exists() and not LocmemSMSBackend.outbox
    kinds = list(report.events.order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds == ["submitted", "accepted", "escalated", "resolved", "rated", "closed"]
    with django_capture_on_commit_callbacks(execute=True):
        submit(community, category, resident_user)
    assert [m.mobile for m in LocmemSMSBackend.outbox] == [steward.mobile]  # the present is told as always


def _stored(folder: str) -> set[str]:
    from django.core.files.storage import default_storage

    if not default_storage.exists(folder):
        return set()
    dirs, files = default_storage.listdir(folder)
    return {f"{folder}/{f}" for f in files} | {name for d in dirs for name in _stored(f"{folder}/{d}")}


def test_a_report_that_fails_to_save_leaves_no_photo_behind(
    community: Any, category: Any, steward: Any, resident_user: Any, monkeypatch: Any
) -> None:
    clean = photo_clean(SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg"))
    before = _stored(f"reports/{community.pk}")

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(services.intake, "audit_record", broken)
    with pytest.raises(RuntimeError):
        submit(community, category, resident_user, photos=[clean])
    assert Report.objects.count() == 0 and _stored(f"reports/{community.pk}") == before
