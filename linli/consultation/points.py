"""Points for taking part (积分制). The ONE place consultation talks to the ledger.

The ledger (`linli.ledger`) is built on another branch. On merge, `_earn` becomes
`linli.ledger.services.points_earn(**kwargs)`; until then it records nothing. Every call carries an
idempotency key, so retries and double clicks never earn twice. Each function is called inside the
transaction of the act that earns, so the points stand or fall with it.
"""

import logging
from typing import Any

logger = logging.getLogger(__name__)

SUPPORT = "consultation_support"
ATTENDANCE = "consultation_participation"
VOTE = "vote_cast"


def _earn(
    *, community: Any, resident: Any, rule_code: str, quantity: int = 1, idempotency_key: str, actor: Any, memo: str
) -> None:
    # Wire here: from linli.ledger.services import points_earn; points_earn(community=…, resident=…, …)
    logger.debug("points to earn: %s %s for resident %s", rule_code, idempotency_key, resident.pk)


def support_earned(*, support: Any, actor: Any) -> None:
    _earn(
        community=support.matter.community,
        resident=support.resident,
        rule_code=SUPPORT,
        idempotency_key=f"consultation:support:{support.matter_id}:{support.resident_id}",
        actor=actor,
        memo=f"matter {support.matter_id}",
    )


def attendance_earned(*, registration: Any, actor: Any) -> None:
    _earn(
        community=registration.meeting.community,
        resident=registration.resident,
        rule_code=ATTENDANCE,
        idempotency_key=f"consultation:attend:{registration.meeting_id}:{registration.resident_id}",
        actor=actor,
        memo=f"meeting {registration.meeting_id}",
    )


def vote_earned(*, vote: Any, resident: Any, actor: Any) -> None:
    """Says only that the resident voted, never how (secret ballots stay secret in the ledger too)."""
    _earn(
        community=vote.community,
        resident=resident,
        rule_code=VOTE,
        idempotency_key=f"consultation:vote:{vote.pk}:{resident.pk}",
        actor=actor,
        memo=f"vote {vote.pk}",
    )
