"""The well-known codes of the ledger, in one place: funding sources, earning rules and their defaults."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingCode(models.TextChoices):
    COMMUNITY_FUND = "community_fund", _("Community fund (强社基金)")
    ECONOMIC_COOPERATIVE = "economic_cooperative", _("Economic cooperative (经济合作社)")
    GOVERNMENT_SUBSIDY = "government_subsidy", _("Government subsidy (政府补贴)")
    COMMUNITY_COMPANY = "community_company", _("Community company (强社公司)")
    STREET = "street", _("Sub-district office (街道)")
    CHARITY = "charity", _("Charity (慈善)")


FUNDING_CODES = frozenset(c.value for c in FundingCode)

# The lowest balance a funding source's account may reach, by (code, unit), set when the ledger opens the
# account. The community fund pays out only the money it holds; the other sources may run a deficit (money
# paid or points issued beyond what was put in), so they have no floor.
FUNDING_FLOORS: dict[tuple[str, str], int] = {(FundingCode.COMMUNITY_FUND.value, "fen"): 0}


# Accounts outside the platform that payments move through (kind "external", told apart by their code):
# a payment provider's clearing account holds, negated, what the provider has collected for the community and not
# yet paid back; differences found when its statement is reconciled wait in the suspense account.
CLEARING_PREFIX = "clearing:"
PAYMENT_SUSPENSE = "payments:suspense"
# fees paid in advance for a service not given yet (a booking, a class, a meal): kind "escrow", never below zero;
# refunded from it, or taken as the company's revenue from it once the service is given
PAYMENT_PREPAID = "payments:prepaid"


class RuleCode(models.TextChoices):
    VOLUNTEER_HOUR = "volunteer_hour", _("Volunteer hour")
    ACTIVITY_ATTENDANCE = "activity_attendance", _("Activity attendance")
    CONSULTATION_PARTICIPATION = "consultation_participation", _("Taking part in a consultation")
    CONSULTATION_SUPPORT = "consultation_support", _("Supporting a consultation proposal")
    VOTE_CAST = "vote_cast", _("Casting a vote")
    REPORT_CONFIRMED = "report_confirmed", _("Reported problem confirmed")
    WASTE_SORTING = "waste_sorting", _("Correct waste sorting")


@dataclass(frozen=True)
class DefaultRule:
    code: str
    points: int
    daily_cap: int | None
    yearly_cap: int | None
    funding_code: str


# Seeded in each community on first use; the community admin changes them on the rules page.
DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule(RuleCode.VOLUNTEER_HOUR, 10, 80, 2000, FundingCode.COMMUNITY_FUND),
    DefaultRule(RuleCode.ACTIVITY_ATTENDANCE, 5, 20, 600, FundingCode.COMMUNITY_FUND),
    DefaultRule(RuleCode.CONSULTATION_PARTICIPATION, 5, 10, 300, FundingCode.COMMUNITY_FUND),
    DefaultRule(RuleCode.CONSULTATION_SUPPORT, 1, 5, 100, FundingCode.COMMUNITY_FUND),
    DefaultRule(RuleCode.VOTE_CAST, 2, 10, 200, FundingCode.COMMUNITY_FUND),
    DefaultRule(RuleCode.REPORT_CONFIRMED, 5, 15, 300, FundingCode.GOVERNMENT_SUBSIDY),
    DefaultRule(RuleCode.WASTE_SORTING, 1, 2, 365, FundingCode.GOVERNMENT_SUBSIDY),
)
