"""PDFs drawn by WeasyPrint with the project's own CJK font, so they look the same on every machine."""

from pathlib import Path

FONT_FAMILY = "Linli Sans"
FONT_FILE = Path(__file__).resolve().parents[1] / "static" / "linli" / "fonts" / "wqy-microhei.ttf"


def pdf_from_html(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of `html`; its stylesheets may name the font family `FONT_FAMILY` (Chinese and Latin)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    font_face = CSS(
        string=f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT_FILE.as_uri()}"); }}',
        font_config=fonts,
    )
    return bytes(HTML(string=html, base_url=base_url).write_pdf(stylesheets=[font_face], font_config=fonts))
