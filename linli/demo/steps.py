"""The demo is built in steps, one per domain, in this order. Each is `build(ctx: DemoContext) -> None`."""

DEMO_STEPS = [
    "linli.demo.foundation.build",
    "linli.people.demo.build",
    "linli.facilities.demo.build",
    "linli.canteen.demo.build",
    "linli.courses.demo.build",
    "linli.childcare.demo.build",
    "linli.ledger.demo.build",
    "linli.payments.demo.build",
    "linli.partners.demo.build",
    "linli.volunteering.demo.build",
    "linli.fund.demo.build",
    "linli.company.demo.build",
    "linli.consultation.demo.build",
    "linli.mediation.demo.build",
    "linli.reports.demo.build",
    "linli.care.demo.build",
    "linli.notices.demo.build",
    "linli.surveys.demo.build",
    "linli.planning.demo.build",
    "linli.cockpit.demo.build",
]
