"""The fund's pages: the public page; staff record donations, open rounds, decide and pay; applicants apply and
report; reviewers score. Each view parses, checks the rule, calls one service and renders."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError, NotAllowed
from linli.partners.models import Partner
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .forms import (
    ApplicationForm,
    ConflictForm,
    DecisionForm,
    DonationForm,
    ReportForm,
    RoundForm,
    ScoreForm,
    TrancheForm,
)
from .models import Application, Tranche
from .receipts import receipt_pdf


def _nav(request: HttpRequest, community: Community) -> dict[str, Any]:
    user = request.user
    return {
        "community": community,
        "can_books": rules.can_view_fund_books(user, community),
        "can_manage": rules.can_manage_fund(user, community),
        "reviews_here": rules.reviews_in(user, community),
    }


def public(request: HttpRequest, code: str) -> HttpResponse:
    community = get_object_or_404(Community, code=code)
    return render(
        request,
        "fund/public.html",
        {
            **_nav(request, community),
            "summary": selectors.fund_summary(community=community),
            "donations": selectors.donations_public(community=community)[:30],
        },
    )


# --- staff ----------------------------------------------------------------------------------------------


@login_required
def manage(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    donations = selectors.donations_for_books(user=request.user, community=community)
    return render(
        request,
        "fund/manage.html",
        {
            **_nav(request, community),
            "summary": selectors.fund_summary(community=community),
            "donations": donations[:50],
            "rounds": selectors.rounds_of(community=community),
        },
    )


@login_required
def donation_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_fund(request.user, community):
        raise NotAllowed(_("You may not record donations for this community's fund."))
    form = DonationForm(
        request.POST or None,
        partners=Partner.objects.filter(community=community),
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.donation_record(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Donation recorded: receipt %(no)s.") % {"no": donation.receipt_no})
            return redirect("fund:donation", code=code, pk=donation.pk)
    return render(
        request, "fund/form.html", {**_nav(request, community), "form": form, "title": _("Record a donation")}
    )


@login_required
def donation_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    donation = selectors.donation_get(user=request.user, community=community, pk=pk)
    return render(request, "fund/receipt.html", {**_nav(request, community), "donation": donation})


@login_required
def donation_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    donation = selectors.donation_get(user=request.user, community=community, pk=pk)
    response = HttpResponse(receipt_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{donation.receipt_no}.pdf"'
    return response


@login_required
def round_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_fund(request.user, community):
        raise NotAllowed(_("You may not open grant rounds for this community's fund."))
    form = RoundForm(request.POST or None, reviewers=selectors.reviewer_choices(community=community))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["reviewers"] = list(data["reviewers"])
        try:
            grant_round = services.round_create(actor=request.user, community=community, **data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("The round is open."))
            return redirect("fund:round", code=code, pk=grant_round.pk)
    return render(
        request, "fund/form.html", {**_nav(request, community), "form": form, "title": _("Open a grant round")}
    )


@login_required
def round_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The round: for the fund's staff and the round's reviewers, its applications and scores."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    shows_applications = rules.can_view_round_applications(request.user, grant_round)
    today = timezone.localdate()
    return render(
        request,
        "fund/round.html",
        {
            **_nav(request, community),
            "round": grant_round,
            "applications": selectors.round_applications(user=request.user, grant_round=grant_round)
            if shows_applications
            else None,
            "scores_visible": rules.can_view_fund_books(request.user, community),
            "is_open": selectors.open_rounds(community=community, today=today).filter(pk=grant_round.pk).exists(),
            "moves": selectors.round_moves(user=request.user, grant_round=grant_round, today=today),
        },
    )


ROUND_MOVES = {"start_review", "close", "reopen"}


@login_required
@require_POST
def round_status(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The staff move a round on: start its review, close it, or reopen it for applications."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    if not rules.can_manage_fund(request.user, community):
        raise NotAllowed(_("You may not change the status of this community's grant rounds."))
    action = request.POST.get("action", "")
    if action not in ROUND_MOVES:
        raise DomainError(_("Unknown action."))
    try:
        if action == "start_review":
            services.round_start_review(actor=request.user, grant_round=grant_round)
            done = _("The review has started: the round takes no more applications.")
        elif action == "close":
            services.round_close(actor=request.user, grant_round=grant_round)
            done = _("The round is closed.")
        else:
            services.round_reopen(actor=request.user, grant_round=grant_round)
            done = _("The round is open for applications again.")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("fund:round", code=code, pk=grant_round.pk)


# --- applicants -----------------------------------------------------------------------------------------


@login_required
def rounds_open(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "fund/rounds_open.html",
        {
            **_nav(request, community),
            "rounds": selectors.open_rounds(community=community, today=timezone.localdate()),
            "partners": selectors.partners_for(user=request.user, community=community),
        },
    )


@login_required
def application_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    partners = selectors.partners_for(user=request.user, community=community)
    if not partners.exists():
        raise NotAllowed(
            _("Only a community partner may apply: register as a partner (or act for one) with the community first.")
        )
    form = ApplicationForm(request.POST or None, partners=partners, categories=grant_round.categories)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(actor=request.user, grant_round=grant_round, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Your application is submitted."))
            return redirect("fund:application", code=code, pk=application.pk)
    return render(
        request,
        "fund/form.html",
        {
            **_nav(request, community),
            "form": form,
            "title": _("Apply for a grant"),
            "lead": grant_round.name,
        },
    )


@login_required
def mine(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "fund/mine.html",
        {**_nav(request, community), "applications": selectors.my_applications(user=request.user, community=community)},
    )


# --- reviewers ------------------------------------------------------------------------------------------


@login_required
def to_review(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    return render(
        request,
        "fund/review.html",
        {**_nav(request, community), "rows": selectors.to_review(user=request.user, community=community)},
    )


# --- one application: everyone's actions on it ----------------------------------------------------------

ACTIONS = {"score", "conflict", "decide", "pay", "report"}


@login_required
def application_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """What the user may see of an application, and the one form they may submit: a reviewer's score or
    conflict, the staff's decision or payment, the grantee's report. Refusals show on the form."""
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    user = request.user
    can_manage = rules.can_manage_fund(user, community)
    is_reviewer = rules.is_reviewer(user, application.round)
    can_report = rules.can_apply_for(user, application.applicant)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in ACTIONS:
        raise DomainError(_("Unknown action."))
    data = request.POST if action else None
    score_form = ScoreForm(data if action == "score" else None)
    conflict_form = ConflictForm(data if action == "conflict" else None)
    decision_form = DecisionForm(data if action == "decide" else None)
    tranche_form = TrancheForm(data if action == "pay" else None)
    report_form = ReportForm(data if action == "report" else None)

    if action in ("score", "conflict") and not is_reviewer:
        raise NotAllowed(_("You are not a reviewer of this round."))
    if action in ("decide", "pay") and not can_manage:
        raise NotAllowed(
            _("You may not decide grant applications.") if action == "decide" else _("You may not pay out grants.")
        )
    if action == "report" and not can_report:
        raise NotAllowed(_("Only the grantee reports on the project."))

    if action:
        done = _act(request, action, application, score_form, conflict_form, decision_form, tranche_form, report_form)
        if done:
            messages.success(request, done)
            return redirect("fund:application", code=code, pk=application.pk)
        application.refresh_from_db()

    money = selectors.application_money(application)
    reviews = list(application.reviews.select_related("reviewer"))
    scores = [r.score for r in reviews]
    my_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    conflicts = selectors.conflicts_of(reviewer=user, application=application) if is_reviewer else []
    submitted = application.status == Application.Status.SUBMITTED
    # A form is offered when its action is possible; a refused form is shown again with its refusal.
    show = {
        "score": is_reviewer and ((submitted and my_review is None) or action == "score"),
        "conflict": is_reviewer and ((submitted and my_review is None and not conflicts) or action == "conflict"),
        "decide": can_manage and (submitted or action == "decide"),
        "pay": can_manage and ((application.can_disburse() and money.left_to_pay(application) > 0) or action == "pay"),
        "report": can_report
        and (application.status in (Application.Status.APPROVED, Application.Status.COMPLETED) or action == "report"),
    }
    return render(
        request,
        "fund/application.html",
        {
            **_nav(request, community),
            "application": application,
            "money": money,
            "left_to_pay": money.left_to_pay(application),
            "reviews": reviews if rules.can_view_fund_books(user, community) else None,
            "mean_score": sum(scores) / len(scores) if scores else None,
            "my_review": my_review,
            "conflicts": conflicts,
            "is_reviewer": is_reviewer,
            "show": show,
            "tranches": Tranche.objects.filter(application=application).select_related("transaction"),
            "reports": application.reports.all(),
            "score_form": score_form,
            "conflict_form": conflict_form,
            "decision_form": decision_form,
            "tranche_form": tranche_form,
            "report_form": report_form,
        },
    )


def _act(
    request: HttpRequest,
    action: str,
    application: Application,
    score_form: ScoreForm,
    conflict_form: ConflictForm,
    decision_form: DecisionForm,
    tranche_form: TrancheForm,
    report_form: ReportForm,
) -> str:
    """Run the posted action's service; the success message, or "" when the form or the service refused."""
    user = request.user
    form: forms.Form = {
        "score": score_form,
        "conflict": conflict_form,
        "decide": decision_form,
        "pay": tranche_form,
        "report": report_form,
    }[action]
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    try:
        if action == "score":
            services.review_score(actor=user, application=application, score=data["score"], comment=data["comment"])
            return _("Your score is recorded.")
        if action == "conflict":
            services.conflict_declare(actor=user, application=application, reason=data["reason"])
            return _("Your conflict of interest is declared; you will not score this applicant.")
        if action == "decide":
            approve = data["decision"] == "approve"
            services.application_decide(
                actor=user,
                application=application,
                approve=approve,
                approved_fen=data["approved_fen"] or 0,
                note=data["note"],
            )
            return _("The application is approved.") if approve else _("The application is rejected.")
        if action == "pay":
            tranche = services.tranche_pay(
                actor=user,
                application=application,
                amount_fen=data["amount_fen"],
                idempotency_key=data["idempotency_key"],
            )
            return _("Tranche %(n)s is paid.") % {"n": tranche.number}
        services.report_submit(
            actor=user,
            application=application,
            period=data["period"],
            body=data["body"],
            spent_fen=data["spent_fen"] or 0,
        )
        return _("Your report is submitted.")
    except DomainError as exc:
        exc.show_on(form)
        return ""
