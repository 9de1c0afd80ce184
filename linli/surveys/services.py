"""Writing surveys: a draft with its questions, opening it to the residents it targets, closing it, attaching its
results to a round-table matter; a resident (or one acting for them) answers once. Staff writes are audited;
answers are not (an anonymous answer must leave no trace of who gave it)."""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.audit.services import audit_record
from linli.consultation.models import Matter
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notices.targeting import NoticeTargets, residents_targeted, targets_check
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .models import Answer, Option, Question, Response, Survey, SurveyRecipient

MAX_QUESTIONS = 30
MAX_OPTIONS = 12


@dataclass
class Given:
    """One question's answer as a form or the API hands it over."""

    option_ids: list[int] = field(default_factory=list)
    value: int | None = None
    text: str = ""

    def is_empty(self) -> bool:
        return not self.option_ids and self.value is None and not self.text.strip()


def targets_of(survey: Survey) -> NoticeTargets:
    return NoticeTargets.of(survey)


def _fields(survey: Survey) -> dict[str, Any]:
    return {
        "title": survey.title,
        "anonymous": survey.anonymous,
        "per": survey.per,
        "status": survey.status,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
    }


def _check(
    title: str, intro: str, opens_at: dt.datetime | None, closes_at: dt.datetime | None, per: str
) -> tuple[str, str]:
    """The survey's title and introduction, trimmed, once its texts, dates and who answers are checked."""
    title, intro = title.strip(), intro.strip()
    if not title:
        raise DomainError(_("Give the survey a title."), field="title")
    if len(title) > 80:
        raise DomainError(_("A title has at most 80 characters."), field="title")
    if len(intro) > 2000:
        raise DomainError(_("The introduction has at most 2,000 characters."), field="intro")
    if closes_at is None:
        raise DomainError(_("Say until when the survey is open."), field="closes_at")
    if closes_at <= timezone.now():
        raise DomainError(_("The end date must be in the future."), field="closes_at")
    if opens_at is not None and opens_at >= closes_at:
        raise DomainError(_("The survey must open before it closes."), field="opens_at")
    if per not in Survey.Per.values:
        raise DomainError(_("Choose who answers: each resident or each household."), field="per")
    return title, intro


def _may_write(actor: Actor, survey: Survey) -> None:
    if not rules.can_write_survey(actor, survey):
        raise NotAllowed(_("You may not change this survey."))


def survey_create(
    *,
    actor: Actor,
    community: Community,
    title: str,
    closes_at: dt.datetime | None,
    intro: str = "",
    anonymous: bool = True,
    per: str = Survey.Per.RESIDENT,
    opens_at: dt.datetime | None = None,
    targets: NoticeTargets | None = None,
) -> Survey:
    """A draft survey of a community (its admins and social workers, or its street's admins)."""
    if not rules.can_write_for_community(actor, community):
        raise NotAllowed(_("You may not write this community's surveys."))
    title, intro = _check(title, intro, opens_at, closes_at, per)
    targets = targets or NoticeTargets()
    survey = Survey(
        street_id=community.street_id,
        community=community,
        title=title,
        intro=intro,
        anonymous=anonymous,
        per=per,
        opens_at=opens_at,
        closes_at=closes_at,  # type: ignore[misc]
        target_age_tiers=list(targets.age_tiers),
        created_by=actor,
    )
    targets_check(actor=actor, notice=survey, targets=targets)
    with transaction.atomic():
        survey.save()
        targets.set_on(survey)
        audit_record(
            actor=actor,
            action="survey.create",
            instance=survey,
            after={**_fields(survey), "targets": targets.summary()},
        )
    return survey


def survey_update(
    *,
    actor: Actor,
    survey: Survey,
    title: str,
    closes_at: dt.datetime | None,
    intro: str = "",
    anonymous: bool = True,
    per: str = Survey.Per.RESIDENT,
    opens_at: dt.datetime | None = None,
    targets: NoticeTargets | None = None,
) -> Survey:
    _may_write(actor, survey)
    title, intro = _check(title, intro, opens_at, closes_at, per)
    targets = targets or NoticeTargets()
    targets_check(actor=actor, notice=survey, targets=targets)
    with transaction.atomic():
        locked = _locked_draft(survey)
        before = {**_fields(locked), "targets": targets_of(locked).summary()}
        locked.title, locked.intro, locked.anonymous, locked.per = title, intro, anonymous, per
        locked.opens_at, locked.closes_at = opens_at, closes_at  # type: ignore[assignment]
        locked.target_age_tiers = list(targets.age_tiers)
        locked.save()
        targets.set_on(locked)
        audit_record(
            actor=actor,
            action="survey.update",
            instance=locked,
            before=before,
            after={**_fields(locked), "targets": targets.summary()},
        )
    return locked


def _locked_draft(survey: Survey) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if not locked.can_edit():
        raise Conflict(_("An open or closed survey can no longer be changed."))
    return locked


def _question_values(kind: str, text: str, options: list[str] | None) -> tuple[str, list[str]]:
    """Check a question's kind, text and options (2 to 12 for a choice question, none otherwise)."""
    text = text.strip()
    if kind not in Question.Kind.values:
        raise DomainError(_("Choose the kind of question."), field="kind")
    if not text:
        raise DomainError(_("Write the question."), field="text")
    if len(text) > 200:
        raise DomainError(_("A question has at most 200 characters."), field="text")
    labels = [o.strip() for o in (options or []) if o.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(labels) < 2:
            raise DomainError(_("Give at least two options, one per line."), field="options")
        if len(labels) > MAX_OPTIONS:
            raise DomainError(_("Give at most %(n)s options.") % {"n": MAX_OPTIONS}, field="options")
        if len(set(labels)) != len(labels):
            raise DomainError(_("Two options are the same."), field="options")
        if any(len(label) > 100 for label in labels):
            raise DomainError(_("An option has at most 100 characters."), field="options")
    elif labels:
        raise DomainError(_("Only choice questions have options."), field="options")
    return text, labels


def question_add(
    *, actor: Actor, survey: Survey, kind: str, text: str, required: bool = True, options: list[str] | None = None
) -> Question:
    """Add a question at the end. Choice questions take 2 to 12 options."""
    _may_write(actor, survey)
    text, labels = _question_values(kind, text, options)
    with transaction.atomic():
        locked = _locked_draft(survey)
        count = locked.questions.count()
        if count >= MAX_QUESTIONS:
            raise DomainError(_("A survey has at most %(n)s questions.") % {"n": MAX_QUESTIONS}, field="text")
        question = Question.objects.create(survey=locked, position=count + 1, kind=kind, text=text, required=required)
        Option.objects.bulk_create(
            [Option(question=question, position=i, text=label) for i, label in enumerate(labels, start=1)]
        )
        audit_record(
            actor=actor,
            action="survey.question_add",
            instance=locked,
            after={"question": text, "kind": kind, "required": required, "options": labels},
        )
    return question


def question_update(
    *,
    actor: Actor,
    survey: Survey,
    question: Question,
    kind: str,
    text: str,
    required: bool = True,
    options: list[str] | None = None,
) -> Question:
    """Reword a question, change its kind, whether it must be answered, or its options: only while the survey is a
    draft, so before anyone has answered (once residents have answered, their answers are to these words)."""
    _may_write(actor, survey)
    if question.survey_id != survey.pk:
        raise NotFound(_("No such question in this survey."))
    text, labels = _question_values(kind, text, options)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if not locked.can_edit():
            answered = Response.objects.filter(survey=locked).count()
            raise Conflict(
                _("%(n)s residents have answered this survey: its questions can no longer be changed.")
                % {"n": answered}
                if answered
                else _("The survey is open: its questions can no longer be changed."),
                code="survey_not_draft",
            )
        current = Question.objects.select_for_update().get(pk=question.pk)
        before = {
            "question": current.text,
            "kind": current.kind,
            "required": current.required,
            "options": list(current.options.values_list("text", flat=True)),
        }
        current.kind, current.text, current.required = kind, text, bool(required)
        current.save(update_fields=["kind", "text", "required"])
        current.options.all().delete()
        Option.objects.bulk_create(
            [Option(question=current, position=i, text=label) for i, label in enumerate(labels, start=1)]
        )
        audit_record(
            actor=actor,
            action="survey.question_update",
            instance=locked,
            before=before,
            after={"question": text, "kind": kind, "required": current.required, "options": labels},
        )
    return current


def _renumber(survey: Survey, ordered: list[Question]) -> None:
    for i, q in enumerate(ordered, start=1):
        if q.position != i:
            q.position = i
            q.save(update_fields=["position"])


def question_remove(*, actor: Actor, survey: Survey, question: Question) -> None:
    _may_write(actor, survey)
    if question.survey_id != survey.pk:
        raise NotFound(_("No such question in this survey."))
    with transaction.atomic():
        locked = _locked_draft(survey)
        text = question.text
        question.delete()
        _renumber(locked, list(locked.questions.all()))
        audit_record(actor=actor, action="survey.question_remove", instance=locked, before={"question": text})


def question_move(*, actor: Actor, survey: Survey, question: Question, up: bool) -> None:
    """Move a question one place up or down."""
    _may_write(actor, survey)
    if question.survey_id != survey.pk:
        raise NotFound(_("No such question in this survey."))
    with transaction.atomic():
        locked = _locked_draft(survey)
        ordered = list(locked.questions.all())
        i = next(n for n, q in enumerate(ordered) if q.pk == question.pk)
        j = i - 1 if up else i + 1
        if 0 <= j < len(ordered):
            ordered[i], ordered[j] = ordered[j], ordered[i]
            _renumber(locked, ordered)
            audit_record(
                actor=actor,
                action="survey.question_move",
                instance=locked,
                after={"question": question.text, "position": j + 1},
            )


def survey_publish(*, actor: Actor, survey: Survey, now: dt.datetime | None = None) -> Survey:
    """Open the survey: the residents it targets today are asked (it shows from its opening time).
    `now` is for the demo."""
    _may_write(actor, survey)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_draft(survey)
        if not locked.questions.exists():
            raise DomainError(_("Add at least one question first."))
        if locked.closes_at <= now:
            raise DomainError(_("The end date must be in the future."), field="closes_at")
        residents = residents_targeted(notice=locked, targets=targets_of(locked), day=timezone.localdate(now))
        rows = [SurveyRecipient(survey=locked, resident_id=pk) for pk in residents.values_list("pk", flat=True)]
        SurveyRecipient.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        before = _fields(locked)
        locked.status, locked.published_at = Survey.Status.OPEN, now
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="survey.publish",
            instance=locked,
            before=before,
            after={**_fields(locked), "recipients": len(rows)},
        )
    return locked


def survey_close(*, actor: Actor, survey: Survey) -> Survey:
    _may_write(actor, survey)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status != Survey.Status.OPEN:
            raise Conflict(_("Only an open survey can be closed."))
        before = _fields(locked)
        locked.status, locked.closed_at = Survey.Status.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(actor=actor, action="survey.close", instance=locked, before=before, after=_fields(locked))
    return locked


def survey_attach(*, actor: Actor, survey: Survey, matter: Matter | None) -> Survey:
    """Show this survey's results on a round-table matter of the same community (None detaches it)."""
    _may_write(actor, survey)
    if matter is not None and matter.community_id != survey.community_id:
        raise NotFound(_("No such matter in this community."), field="matter")
    if matter is not None and survey.status == Survey.Status.DRAFT:
        raise Conflict(_("Open the survey before attaching its results to a matter."))
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        before = {"matter": locked.matter_id}
        locked.matter = matter
        locked.save(update_fields=["matter", "updated_at"])
        audit_record(
            actor=actor, action="survey.attach", instance=locked, before=before, after={"matter": locked.matter_id}
        )
    return locked


# --- answering ---------------------------------------------------------------------------------------------------


def respondent_key(survey: Survey, resident: Resident) -> str:
    """Whose answer this is, for the one-answer rule. An anonymous survey keeps only a keyed hash of it."""
    if survey.per == Survey.Per.HOUSEHOLD and resident.household_id is not None:
        key = f"h{resident.household_id}"
    else:
        key = f"r{resident.pk}"
    if not survey.anonymous:
        return key
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"survey:{survey.pk}:{key}".encode(), hashlib.sha256).hexdigest()


def _already_answered_message(survey: Survey) -> str:
    if survey.per == Survey.Per.HOUSEHOLD:
        return _("Your household has already answered this survey. Thank you!")
    return _("You have already answered this survey. Thank you!")


def _clean_answers(survey: Survey, given: dict[int, Given]) -> list[Answer]:
    questions = list(survey.questions.prefetch_related("options"))
    known = {q.pk for q in questions}
    if any(pk not in known for pk in given):
        raise DomainError(_("An answer is for a question not in this survey."))
    rows: list[Answer] = []
    for q in questions:
        g = given.get(q.pk) or Given()
        field_name = f"q{q.pk}"
        if g.is_empty():
            if q.required:
                raise DomainError(_("Please answer: %(q)s") % {"q": q.text}, field=field_name)
            continue
        options = {o.pk: o for o in q.options.all()}
        if q.kind == Question.Kind.SINGLE:
            if len(g.option_ids) != 1 or g.option_ids[0] not in options or g.value is not None or g.text.strip():
                raise DomainError(_("Choose one option for: %(q)s") % {"q": q.text}, field=field_name)
            rows.append(Answer(question=q, option=options[g.option_ids[0]]))
        elif q.kind == Question.Kind.MULTIPLE:
            ids = list(dict.fromkeys(g.option_ids))
            if not ids or any(i not in options for i in ids) or g.value is not None or g.text.strip():
                raise DomainError(_("Choose among the options for: %(q)s") % {"q": q.text}, field=field_name)
            rows.extend(Answer(question=q, option=options[i]) for i in ids)
        elif q.kind == Question.Kind.SCALE:
            if g.value is None or not 1 <= g.value <= 5 or g.option_ids or g.text.strip():
                raise DomainError(_("Choose from 1 to 5 for: %(q)s") % {"q": q.text}, field=field_name)
            rows.append(Answer(question=q, value=g.value))
        else:
            text = g.text.strip()
            if g.option_ids or g.value is not None:
                raise DomainError(_("Write your answer to: %(q)s") % {"q": q.text}, field=field_name)
            if len(text) > 1000:
                raise DomainError(_("An answer has at most 1,000 characters."), field=field_name)
            rows.append(Answer(question=q, text=text))
    return rows


def survey_answer(
    *, actor: Actor, survey: Survey, resident: Resident, given: dict[int, Given], on: dt.date | None = None
) -> Response:
    """The resident's answers (given by themself or by one who may act for them), once per resident or household."""
    if not actor.is_authenticated or not rules.can_answer_for(actor, resident):
        raise NotAllowed(_("You may not answer for this resident."))
    if not SurveyRecipient.objects.filter(survey=survey, resident=resident).exists():
        raise NotFound(_("No such survey."))
    if not survey.is_open():
        raise Conflict(_("This survey is not open."))
    key = respondent_key(survey, resident)
    if Response.objects.filter(survey=survey, respondent_key=key).exists():
        raise Conflict(_already_answered_message(survey), code="already_answered")
    rows = _clean_answers(survey, given)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                respondent_key=key,
                resident=None if survey.anonymous else resident,
                answered_by=None if survey.anonymous else actor,
                answered_on=on or timezone.localdate(),
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise Conflict(_already_answered_message(survey), code="already_answered") from exc
    return response
