from django.apps import AppConfig


class VolunteeringConfig(AppConfig):
    name = "linli.volunteering"
    label = "volunteering"

    def ready(self) -> None:
        from linli.ledger.reasons import describer_register

        from .selectors import attendance_described, earnings_described

        describer_register("volunteer-hours", earnings_described)
        describer_register("activity-attendance", attendance_described)
