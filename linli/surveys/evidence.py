"""A round-table matter shows the surveys attached to it: how many answered, and each choice question's most chosen
option. Counts only, never who answered; the link to the full results only for those who may read them."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.evidence import Evidence

from . import rules, selectors


def surveys_of_matter(user: Actor, matter: Any) -> list[Evidence]:
    out = []
    for survey in selectors.surveys_attached_to(matter=matter):
        results = selectors.results_of(survey=survey)
        lines = [
            _("%(n)s of %(of)s asked answered.") % {"n": results.responses, "of": results.recipients},
        ]
        for r in results.questions:
            if r.options and r.answered:
                top = max(r.options, key=lambda o: o.count)
                line = _("%(q)s: most chose “%(o)s” (%(share)s%%)") % {
                    "q": r.question.text,
                    "o": top.label,
                    "share": top.share,
                }
                if r.average is not None:
                    line = _("%(q)s: average %(avg)s of 5") % {"q": r.question.text, "avg": r.average}
                lines.append(line)
        url = (
            reverse("surveys:results", args=[survey.community.code, survey.pk])
            if rules.can_view_results(user, survey)
            else ""
        )
        out.append(Evidence(title=_("Survey: %(t)s") % {"t": survey.title}, lines=lines, url=url, source="surveys"))
    return out
