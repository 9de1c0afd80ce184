"""Class fees paid through payments: a seat with a fee is held until paid, taken when the payment arrives, given
up when unpaid in time, and refunded by the cancellation rule (all before the first session, then the share of
the sessions still to come)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import make_resident
from linli.core.errors import DomainError
from linli.courses import services
from linli.courses.models import Course, Enrolment, Session
from linli.facilities.tests.factories import make_course
from linli.ledger.checks import ledger_check
from linli.ledger.tests.conftest import shopper  # noqa: F401
from linli.payments import services as payments
from linli.payments.models import Method, Payment, Purpose
from linli.payments.providers.simulated import SimulatedGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(community: Any) -> Course:
    """国画 ¥200 for four weekly sessions from next week, one seat."""
    c = make_course(community, title="国画", seats=1, price_fen=20000)
    first = timezone.now() + dt.timedelta(days=7)
    for week in range(4):
        starts = first + dt.timedelta(weeks=week)
        Session.objects.create(course=c, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    return c


def enrol_and_pay(shopper: Any, course: Course, capture: Any) -> tuple[Enrolment, Payment]:  # noqa: F811
    enrolment = services.enrol(actor=shopper.user, course=course, resident=shopper)
    payment = payments.subject_payment_start(actor=shopper.user, purpose=Purpose.COURSE, subject_id=enrolment.pk)
    with capture(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    enrolment.refresh_from_db()
    payment.refresh_from_db()
    return enrolment, payment


def test_a_seat_with_a_fee_is_held_until_paid_then_taken(
    shopper: Any,  # noqa: F811
    course: Course,
    django_capture_on_commit_callbacks: Any,
) -> None:
    enrolment = services.enrol(actor=shopper.user, course=course, resident=shopper)
    assert (enrolment.status, enrolment.price_fen) == (Enrolment.Status.UNPAID, 20000) and enrolment.pay_by
    course.refresh_from_db()
    assert course.enrolled == 1  # the seat is held
    Course.objects.filter(pk=course.pk).update(price_fen=1)  # a later price change does not touch this seat
    payment = payments.subject_payment_start(actor=shopper.user, purpose=Purpose.COURSE, subject_id=enrolment.pk)
    assert payment.amount_fen == 20000
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert ledger_check().ok, ledger_check().problems


def test_withdrawing_before_the_first_session_refunds_all(
    shopper: Any,  # noqa: F811
    course: Course,
    django_capture_on_commit_callbacks: Any,
) -> None:
    enrolment, payment = enrol_and_pay(shopper, course, django_capture_on_commit_callbacks)
    services.withdraw(actor=shopper.user, enrolment=enrolment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_fen == 20000
    assert ledger_check().ok, ledger_check().problems


def test_withdrawing_after_two_of_four_sessions_refunds_half(
    shopper: Any,  # noqa: F811
    course: Course,
    django_capture_on_commit_callbacks: Any,
) -> None:
    enrolment, payment = enrol_and_pay(shopper, course, django_capture_on_commit_callbacks)
    sessions = list(course.sessions.order_by("starts_at"))
    after_two = sessions[1].starts_at + dt.timedelta(hours=2)
    assert services.fee_refund_fen(enrolment, after_two) == 10000
    services.withdraw(actor=shopper.user, enrolment=enrolment, now=after_two)
    payment.refresh_from_db()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED and payment.refunded_fen == 10000
    # after the last session nothing is left to refund
    assert services.fee_refund_fen(enrolment, sessions[-1].starts_at + dt.timedelta(hours=2)) == 0
    assert ledger_check().ok, ledger_check().problems


def test_an_unpaid_seat_expires_and_goes_to_the_next_who_is_asked_to_pay(
    shopper: Any,  # noqa: F811
    course: Course,
    community: Any,
    users: dict[str, Any],
) -> None:
    enrolment = services.enrol(actor=shopper.user, course=course, resident=shopper)
    payment = payments.subject_payment_start(actor=shopper.user, purpose=Purpose.COURSE, subject_id=enrolment.pk)
    neighbour = make_resident(community, name="王大伯", seq=41)
    waiting = services.enrol(actor=users["social_worker"], course=course, resident=neighbour)
    assert waiting.status == Enrolment.Status.WAITLISTED

    assert services.enrolments_expire_unpaid(now=enrolment.pay_by + dt.timedelta(minutes=1)) == 1

    enrolment.refresh_from_db()
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN and payment.status == Payment.Status.CLOSED
    assert waiting.status == Enrolment.Status.UNPAID and waiting.pay_by is not None
    with pytest.raises(DomainError) as exc:
        payments.subject_payment_start(actor=shopper.user, purpose=Purpose.COURSE, subject_id=enrolment.pk)
    assert exc.value.code == "not_payable"


def test_the_desk_takes_a_class_fee_in_cash(
    shopper: Any,  # noqa: F811
    course: Course,
    users: dict[str, Any],
) -> None:
    enrolment = services.enrol(actor=shopper.user, course=course, resident=shopper)
    payment = payments.subject_counter_take(
        actor=users["operator"], purpose=Purpose.COURSE, subject_id=enrolment.pk, method=Method.CASH
    )
    enrolment.refresh_from_db()
    assert payment.receipt_no and enrolment.status == Enrolment.Status.ENROLLED
    assert ledger_check().ok, ledger_check().problems


def test_the_desk_takes_a_class_fee_on_the_day_the_seat_was_held_and_not_after_its_time(
    shopper: Any,  # noqa: F811
    course: Course,
    users: dict[str, Any],
) -> None:
    """The time to pay is judged at the payment's own `now`: a seat held in the past is paid on its day, and a seat
    whose time has passed at that `now` is refused."""
    held = timezone.now() - dt.timedelta(days=3)
    enrolment = services.enrol(actor=users["community_admin"], course=course, resident=shopper, now=held)
    assert enrolment.pay_by is not None and enrolment.pay_by < timezone.now()
    with pytest.raises(DomainError) as exc:
        payments.subject_counter_take(
            actor=users["operator"],
            purpose=Purpose.COURSE,
            subject_id=enrolment.pk,
            now=enrolment.pay_by + dt.timedelta(minutes=1),
        )
    assert exc.value.code == "pay_by_passed"
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.UNPAID
    payment = payments.subject_counter_take(
        actor=users["operator"], purpose=Purpose.COURSE, subject_id=enrolment.pk, now=held + dt.timedelta(hours=1)
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert payment.created_at == held + dt.timedelta(hours=1)
    assert ledger_check().ok, ledger_check().problems


def test_the_api_enrols_with_a_fee_and_pays_it(
    shopper: Any,  # noqa: F811
    course: Course,
    community: Any,
) -> None:
    from linli.conftest import client_for

    api = client_for(shopper.user)
    made = api.post(
        f"/api/v1/communities/{community.code}/courses/{course.pk}/enrolments", {}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "unpaid" and body["pay_page"] == f"/payments/for/course/{body['id']}/"
    paid = api.post(
        "/api/v1/payments/for", {"purpose": "course", "subject_id": body["id"]}, content_type="application/json"
    )
    assert paid.status_code == 201 and paid.json()["amount_fen"] == 20000 and paid.json()["subject_id"] == body["id"]
    refused = api.post(
        "/api/v1/payments/for", {"purpose": "canteen_x", "subject_id": body["id"]}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["error"]["message"] == "此项不能在这里支付。"


def test_the_attendance_page_shows_staff_who_has_not_paid_with_a_button_to_take_it(
    shopper: Any,  # noqa: F811
    course: Course,
    users: dict[str, Any],
) -> None:
    from linli.conftest import client_for

    enrolment = services.enrol(actor=shopper.user, course=course, resident=shopper)
    first = timezone.localtime(course.sessions.order_by("starts_at").first().starts_at).date()
    html = client_for(users["social_worker"]).get(f"/courses/shibei/attendance/?date={first}").content.decode()
    assert f'data-testid="unpaid-{enrolment.pk}"' in html and "待支付" in html
    assert f"/payments/for/course/{enrolment.pk}/" in html and "收款" in html
