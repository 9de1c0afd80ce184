"""A file the browser downloads (or shows inline), named as the user will find it saved."""

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def file_response(content: bytes, *, filename: str, content_type: str = XLSX, inline: bool = False) -> HttpResponse:
    """`content` as a response saved under `filename` (an Excel workbook unless `content_type` says otherwise);
    `inline` lets the browser show it (a PDF) rather than save it at once."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response
