"""Setting up a community's report categories and their questions (community admins, from pages and the API).

Each community has its own categories: changing one never touches another community's. A changed time limit
applies to reports submitted afterwards (and to the next step of open ones); deadlines already set stay."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.audit.services import audit_record, save_audited, snapshot
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Community

from .. import rules
from ..models import Category, CategoryAttribute, Level

CATEGORY_FIELDS = frozenset(
    {
        "code",
        "name",
        "description",
        "keywords",
        "group",
        "kind",
        "agency_responsible",
        "service_notice",
        "accept_within_hours",
        "start_within_hours",
        "resolve_within_hours",
        "reopen_within_days",
        "first_level",
        "first_grid",
        "responsible",
        "open311_listed",
        "open311_type",
        "order",
    }
)
ATTRIBUTE_FIELDS = frozenset({"code", "description", "datatype", "required", "datatype_description", "order", "values"})
MAX_HOURS = 24 * 366  # a time limit of at most a year


def _check(actor: Actor, community: Community) -> None:
    if not rules.can_configure_reports(actor, community):
        raise NotAllowed(_("Only community admins set up report categories."))


def _full_clean(instance: models.Model, exclude: list[str]) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if name == "__all__" else name) from None


def _set_fields(obj: Any, data: dict[str, Any], allowed: Iterable[str]) -> None:
    """Set the given fields (texts trimmed); a field that may not be set is refused, naming it."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for name, value in data.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _apply_category(category: Category, community: Community, data: dict[str, Any]) -> None:
    _set_fields(category, data, CATEGORY_FIELDS)
    if not category.name:
        raise DomainError(_("Give the category a name."), field="name", code="required")
    for name in ("accept_within_hours", "start_within_hours", "resolve_within_hours"):
        hours = getattr(category, name)
        if not isinstance(hours, int) or hours < 1 or hours > MAX_HOURS:
            raise DomainError(
                _("A time limit is between 1 hour and %(n)s hours (a year).") % {"n": MAX_HOURS},
                field=name,
                code="invalid_limit",
            )
    if category.first_level not in (Level.STEWARD, Level.COMMUNITY):
        raise DomainError(_("Choose the grid steward or the community."), field="first_level")
    grid = category.first_grid
    if grid is not None and grid.community_id != community.pk:
        raise DomainError(_("Choose a grid of this community."), field="first_grid", code="invalid_grid")
    if category.responsible is not None and not rules.can_be_assigned_report(category.responsible, community):
        raise DomainError(
            _("The responsible party must be staff or an operator of this community."),
            field="responsible",
            code="invalid_responsible",
        )
    _full_clean(category, exclude=["community", "responsible", "first_grid"])


def category_create(*, actor: Actor, community: Community, **data: Any) -> Category:
    """A new category of this community. The code is what city systems use (Open311 service_code)."""
    _check(actor, community)
    category = Category(community=community)
    _apply_category(category, community, data)
    with transaction.atomic():
        if Category.objects.filter(community=community, code__iexact=category.code).exists():
            raise DomainError(
                _("This community already has a category with the code “%(code)s”.") % {"code": category.code},
                field="code",
                code="duplicate",
            )
        category.save()
        audit_record(actor=actor, action="report_category.create", instance=category, after=snapshot(category))
    return category


def category_update(*, actor: Actor, category: Category, **data: Any) -> Category:
    """Change a category. The code stays (city systems know it)."""
    community = category.community
    _check(actor, community)
    if "code" in data and data["code"] != category.code:
        raise DomainError(_("The code of a category cannot change."), field="code", code="code_fixed")
    data.pop("code", None)
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        before = snapshot(category)
        _apply_category(category, community, data)
        save_audited(actor=actor, action="report_category.update", instance=category, before=before)
    return category


def category_set_active(*, actor: Actor, category: Category, active: bool) -> Category:
    """Retire a category (no new reports; open ones go on) or bring it back."""
    _check(actor, category.community)
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        if category.active == active:
            return category
        before = snapshot(category)
        category.active = active
        save_audited(
            actor=actor,
            action="report_category.restore" if active else "report_category.retire",
            instance=category,
            before=before,
            update_fields=["active"],
        )
    return category


def _values(datatype: str, values: Any) -> list[dict[str, str]]:
    """The choices of a list question: [{"key", "name"}], keys unique; none for other types."""
    if datatype not in (CategoryAttribute.Datatype.SINGLE, CategoryAttribute.Datatype.MULTI):
        return []
    cleaned: list[dict[str, str]] = []
    for item in values or []:
        if not isinstance(item, dict):
            raise DomainError(_("Each choice needs a key and a name."), field="values")
        key, name = str(item.get("key", "")).strip(), str(item.get("name", "")).strip()
        if not key or not name or len(key) > 40 or len(name) > 60:
            raise DomainError(_("Each choice needs a key and a name."), field="values")
        if key in {c["key"] for c in cleaned}:
            raise DomainError(_("Two choices have the key “%(key)s”.") % {"key": key}, field="values")
        cleaned.append({"key": key, "name": name})
    if len(cleaned) < 2:
        raise DomainError(_("A list question needs at least two choices."), field="values", code="too_few_choices")
    return cleaned


def _apply_attribute(attribute: CategoryAttribute, data: dict[str, Any]) -> None:
    _set_fields(attribute, data, ATTRIBUTE_FIELDS)
    if not attribute.description:
        raise DomainError(_("Write the question."), field="description", code="required")
    attribute.values = _values(attribute.datatype, attribute.values)
    _full_clean(attribute, exclude=["category"])


def _check_unique(attribute: CategoryAttribute) -> None:
    others = CategoryAttribute.objects.filter(category=attribute.category).exclude(pk=attribute.pk)
    if others.filter(code__iexact=attribute.code).exists():
        raise DomainError(
            _("This category already has a question with the code “%(code)s”.") % {"code": attribute.code},
            field="code",
            code="duplicate",
        )
    if others.filter(order=attribute.order).exists():
        raise DomainError(
            _("Another question already has the position %(n)s.") % {"n": attribute.order},
            field="order",
            code="duplicate",
        )


def _attribute_saved(
    actor: Actor,
    attribute: CategoryAttribute,
    data: dict[str, Any],
    community: Community,
    *,
    action: str,
    before: dict[str, Any] | None = None,
) -> None:
    """The question of the community's category changed by `data`, checked, saved and audited (inside the
    caller's transaction)."""
    _apply_attribute(attribute, data)
    _check_unique(attribute)
    save_audited(actor=actor, action=action, instance=attribute, before=before, community=community)


def category_attribute_add(*, actor: Actor, category: Category, **data: Any) -> CategoryAttribute:
    """A question residents answer when they report in this category."""
    _check(actor, category.community)
    with transaction.atomic():
        Category.objects.select_for_update().get(pk=category.pk)
        if data.get("order") is None:
            last = CategoryAttribute.objects.filter(category=category).order_by("-order").first()
            data["order"] = (last.order if last else 0) + 1
        attribute = CategoryAttribute(category=category)
        _attribute_saved(actor, attribute, data, category.community, action="report_category.attribute_add")
    return attribute


def category_attribute_update(*, actor: Actor, attribute: CategoryAttribute, **data: Any) -> CategoryAttribute:
    category = attribute.category
    _check(actor, category.community)
    if "code" in data and data["code"] != attribute.code:
        raise DomainError(_("The code of a question cannot change."), field="code", code="code_fixed")
    data.pop("code", None)
    with transaction.atomic():
        attribute = CategoryAttribute.objects.select_for_update().get(pk=attribute.pk)
        before = snapshot(attribute)
        _attribute_saved(
            actor, attribute, data, category.community, action="report_category.attribute_update", before=before
        )
    return attribute


def category_attribute_remove(*, actor: Actor, attribute: CategoryAttribute) -> None:
    """Stop asking a question (the answers already given stay on their reports)."""
    category = attribute.category
    _check(actor, category.community)
    with transaction.atomic():
        before = snapshot(attribute)
        audit_record(
            actor=actor,
            action="report_category.attribute_remove",
            instance=attribute,
            community=category.community,
            before=before,
        )
        attribute.delete()
