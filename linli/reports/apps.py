from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "linli.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from linli.ledger.reasons import describer_register

        from .selectors import earnings_described

        describer_register("report", earnings_described)

        from linli.people.erasure import erasure_hook_register

        from .services.erasure import reports_anonymise_person

        erasure_hook_register("reports", reports_anonymise_person)
