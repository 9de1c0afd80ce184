"""What every fund write shares: the fund's and a grant's ledger accounts, amounts in fen and bounded text."""

from typing import Any

from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.ledger import services as ledger
from linli.ledger.codes import FundingCode
from linli.ledger.models import Account, AccountKind, Unit
from linli.places.models import Community

from ..models import Application

MAX_FEN = 10**11  # a billion yuan: anything larger is a typing mistake


def fund_account(community: Community) -> Account:
    """The fund's money: the ledger's `community_fund` account in fen, which the ledger opens with a floor of
    zero, so the fund never pays out more than it holds."""
    return ledger.funding_account(community, FundingCode.COMMUNITY_FUND, Unit.FEN)


def grant_account(application: Application) -> Account:
    """A grant's own ledger account: money paid to the grantee and not yet reported spent. An account of the
    ledger's `external` kind (the grantee is outside the platform) with the code `grant:<pk>`, floor zero."""
    account, _created = Account.objects.get_or_create(
        community_id=application.community_id,
        kind=AccountKind.EXTERNAL,
        code=f"grant:{application.pk}",
        unit=Unit.FEN,
        defaults={"floor": 0},
    )
    return account


def _fen(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("Enter an amount in whole fen."), field=field, code="not_whole_number")
    if value <= 0:
        raise DomainError(_("The amount must be greater than zero."), field=field, code="amount_not_positive")
    if value > MAX_FEN:
        raise DomainError(_("The amount is too large."), field=field, code="amount_too_large")
    return value
