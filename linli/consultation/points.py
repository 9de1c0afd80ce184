"""Points for taking part (积分制). The ONE place consultation talks to the ledger.

Points are earned only through the community's earning rules in the ledger. Every call carries an
idempotency key, so retries and double clicks never earn twice. Each function is called inside the
transaction of the act that earns, so the points stand or fall with it. A rule the community has switched
off earns nothing (and says so in the log); any other refusal stops the act.
"""

import datetime as dt
import logging
from typing import Any

from linli.accounts.types import Actor

logger = logging.getLogger(__name__)

SUPPORT = "consultation_support"
ATTENDANCE = "consultation_participation"
VOTE = "vote_cast"


def _earn(
    *,
    community: Any,
    resident: Any,
    rule_code: str,
    quantity: int = 1,
    idempotency_key: str,
    actor: Actor,
    memo: str,
    now: dt.datetime | None,
) -> None:
    from linli.core.errors import DomainError
    from linli.ledger.services import points_earn

    try:
        points_earn(
            community=community,
            resident=resident,
            rule_code=rule_code,
            quantity=quantity,
            idempotency_key=idempotency_key,
            actor=actor,
            memo=memo,
            now=now,
        )
    except DomainError as exc:
        if exc.code != "rule_disabled":
            raise
        logger.info("no points for %s in %s: the rule is switched off", rule_code, community)


def support_earned(*, support: Any, actor: Actor, now: dt.datetime | None = None) -> None:
    _earn(
        community=support.matter.community,
        resident=support.resident,
        rule_code=SUPPORT,
        idempotency_key=f"consultation:support:{support.matter_id}:{support.resident_id}",
        actor=actor,
        memo=support.matter.title,
        now=now,
    )


def attendance_earned(*, registration: Any, actor: Actor, now: dt.datetime | None = None) -> None:
    _earn(
        community=registration.meeting.community,
        resident=registration.resident,
        rule_code=ATTENDANCE,
        idempotency_key=f"consultation:attend:{registration.meeting_id}:{registration.resident_id}",
        actor=actor,
        memo=registration.meeting.title,
        now=now,
    )


def vote_earned(*, vote: Any, resident: Any, actor: Actor, now: dt.datetime | None = None) -> None:
    """Says only that the resident voted, never how (secret ballots stay secret in the ledger too)."""
    _earn(
        community=vote.community,
        resident=resident,
        rule_code=VOTE,
        idempotency_key=f"consultation:vote:{vote.pk}:{resident.pk}",
        actor=actor,
        memo=vote.question,
        now=now,
    )
