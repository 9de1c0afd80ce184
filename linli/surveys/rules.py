"""Who may do what with surveys. A community's admins and social workers, and the admins of its street, build and
open its surveys and read the results. A resident answers a survey that asks them, for themself or, through
`people.rules.can_act_for`, for a member of their household or an elder they help."""

from typing import Any

from linli.accounts.types import Actor
from linli.notices import rules as notice_rules
from linli.people import rules as people_rules
from linli.places.models import Community

from .models import Survey


def can_write_for_community(user: Actor, community: Community) -> bool:
    return notice_rules.can_write_for_community(user, community) or notice_rules.can_write_for_street(
        user, community.street
    )


def can_write_survey(user: Actor, survey: Survey) -> bool:
    return can_write_for_community(user, survey.community)


def can_view_results(user: Actor, survey: Survey) -> bool:
    return can_write_survey(user, survey)


def can_target_tags(user: Actor, community: Community) -> bool:
    return notice_rules.can_target_tags(user, community)


def can_answer_for(user: Actor, resident: Any) -> bool:
    return people_rules.can_act_for(user, resident)
