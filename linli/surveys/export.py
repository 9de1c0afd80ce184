"""The results as an Excel workbook: one sheet of counts and shares per option, one of free-text answers (with the
resident's name only when the survey is not anonymous). Headings are in the user's language."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from linli.core.exports import append_row

from .selectors import Results


def results_workbook(results: Results) -> bytes:
    survey = results.survey
    wb = Workbook()
    ws = wb.active
    ws.title = _("Counts")[:31]
    append_row(ws, [survey.title])
    append_row(ws, [_("Answers"), results.responses, _("Residents asked"), results.recipients])
    append_row(ws, [])
    append_row(ws, [_("No."), _("Question"), _("Option"), _("Answers"), _("Share (%)")])
    for n, r in enumerate(results.questions, start=1):
        if r.options:
            for o in r.options:
                append_row(ws, [n, r.question.text, o.label, o.count, o.share])
            if r.average is not None:
                append_row(ws, [n, r.question.text, _("Average (1–5)"), r.answered, r.average])
        else:
            append_row(ws, [n, r.question.text, _("Free text"), r.answered, None])
    texts = wb.create_sheet(_("Written answers")[:31])
    heading = [_("No."), _("Question"), _("Answer")]
    if not survey.anonymous:
        heading.append(_("Resident"))
    append_row(texts, heading)
    for n, r in enumerate(results.questions, start=1):
        for text, who in r.texts:
            append_row(texts, [n, r.question.text, text] + ([] if survey.anonymous else [who]))
    for sheet in (ws, texts):
        sheet.column_dimensions["B"].width = 40
        sheet.column_dimensions["C"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
