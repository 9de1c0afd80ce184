"""A resident's deletion request carried out (PIPL): their reports stay (the community's record of what was
fixed) with the copies of their name, mobile and e-mail cleared."""

from django.db.models import Q

from linli.people.erasure import ANONYMISED, Person

from ..models import Report


def reports_anonymise_person(*, person: Person) -> int:
    """Reports they made (from their account, or as a guest with one of their numbers) or that were made for
    them: reporter name, guest mobile and e-mail emptied; their name and numbers masked in the texts."""
    mine = Q(on_behalf_of=person.resident)
    if person.account is not None:
        mine |= Q(reporter=person.account)
    if person.mobiles:
        mine |= Q(guest_mobile__in=person.mobiles)
    count = 0
    for report in Report.objects.select_for_update().filter(mine).order_by("pk"):
        report.reporter_name = ""
        report.guest_mobile = ""
        report.reporter_email = ""
        report.description = person.scrub(report.description, name_as=ANONYMISED)
        report.status_notes = person.scrub(report.status_notes, name_as=ANONYMISED)
        report.rating_comment = person.scrub(report.rating_comment, name_as=ANONYMISED)
        report.save(
            update_fields=[
                "reporter_name",
                "guest_mobile",
                "reporter_email",
                "description",
                "status_notes",
                "rating_comment",
            ]
        )
        count += 1
    return count
