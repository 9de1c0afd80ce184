"""The accessibility crawl: pages reachable from a user's home, each checked in a real browser for axe-core's serious
and critical violations (WCAG 2 A/AA), undersized tap targets and raw codes or English in the visible text.

`crawl(page, start=…)` visits the start pages (the home, the workbench, the header's links), then every page they
link to (two taps from home), one page per URL pattern (a resident list and its page 2 are one pattern; the first
found, without a query string when there is one, stands for the rest). `check_page(page, elder=…)` returns the
problems of the page on the screen, as lines a person can read.
"""

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

# axe-core's WCAG 2.0/2.1/2.2 A and AA rules plus its best practices; only serious and critical results fail.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}

# Not followed: leaving the site's pages (the API and its docs, Django's own admin, files and exports, which open
# as downloads, and the language switch of the cockpit's reports, which is English on purpose).
SKIP_PATH = re.compile(
    r"^/(api|admin|static|media|open311|i18n)/|\.(pdf|xlsx|csv|zip|json|geojson|svg|png|jpe?g|js|webmanifest)$"
    r"|/(export|download|certificate|receipt|template|report\.pdf|workbook)(/|$)|/sw\.js$|/manifest"
)
SKIP_QUERY = re.compile(r"(^|&)(lang|format|download)=")
# Of those, the files people open to read: spreadsheets and PDFs (checked for the same raw text as the pages).
EXPORT_PATH = re.compile(r"\.(pdf|xlsx)$|/(export|download|certificate|receipt|report\.pdf|workbook)(/|$)")
EXPORT_QUERY = re.compile(r"(^|&)(format=(xlsx|pdf)|download=)")


# Visible text that reads as a program's, not a person's: snake_case words, Python reprs, English on a Chinese page.
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
REPR = re.compile(r"\{'|'\}|\[\('|<[A-Z][a-zA-Z]+: |\bNone\b|\bTrue\b|\bFalse\b")
ENGLISH_WORD = re.compile(r"(?<![\w@./:-])[A-Za-z][a-z]{2,}(?![\w@./:-])")  # not parts of addresses
# English words a Chinese page may show, each for a reason: names of standards, formats and products people read
# in Latin letters (Excel, PDF, GeoJSON, OpenStreetMap, Open311, ECharts), the unit "km", and the tokens of
# time and place that Chinese pages write in Latin letters too. Keep it short: a word here hides a translation gap.
ALLOWED_ENGLISH = {
    "Excel",  # the file format named on export buttons (导出 Excel)
    "OpenStreetMap",  # the map data's source, in its licence's words
    "Open",  # "Open311", split by the word pattern ("Open311" is the standard's name)
    "GeoJSON",  # the boundary file format
    "ECharts",  # the chart library credited on the cockpit
    "Linli",  # the product's Latin name, beside 邻里 in the header (marked lang="en")
    "Pango",  # the PDF engine named on the deployment health page
}


@dataclass
class Visit:
    url: str
    route: str
    problems: list[str] = field(default_factory=list)


def route_of(path: str) -> str | None:
    """The URL pattern's name (`reports:detail`), or None for what is not a page of the site."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def _followable(href: str, origin: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if SKIP_PATH.search(parts.path) or SKIP_QUERY.search(parts.query):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


LINKS_AND_GET_FORMS = """() => {
  const out = Array.from(document.querySelectorAll('a[href]')).filter(a => !a.closest('svg'))
    .map(a => a.href.split('#')[0]);
  for (const button of document.querySelectorAll('form button, form input[type=submit]')) {
    const form = button.form;
    if (!form || (form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    const url = new URL(button.getAttribute('formaction') ? button.formAction : form.action);
    new FormData(form).forEach((value, key) => { if (typeof value === 'string') url.searchParams.append(key, value); });
    if (button.name) url.searchParams.set(button.name, button.value);
    out.push(url.href.split('#')[0]);
  }
  return out;
}"""


def page_exports(page: Any) -> list[str]:
    """Same-site links of the page on the screen to spreadsheets and PDFs (exports, certificates, receipts), and the
    downloads its GET forms' buttons ask for with the form's values as they stand."""
    origin = page.evaluate("location.origin")
    found = []
    for href in page.evaluate(LINKS_AND_GET_FORMS):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith(("/api/", "/admin/", "/static/")):
            continue
        if EXPORT_PATH.search(parts.path) or EXPORT_QUERY.search(parts.query):
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            if url not in found:
                found.append(url)
    return found


def page_links(page: Any) -> list[str]:
    """Same-site links of the page on the screen that open pages (not downloads), in document order."""
    origin = page.evaluate("location.origin")
    hrefs = page.evaluate(
        "Array.from(document.querySelectorAll('a[href]'))"
        ".filter(a => !a.hasAttribute('download') && !a.closest('svg'))"
        ".map(a => a.href.split('#')[0])"
    )
    found = []
    for href in hrefs:
        url = _followable(href, origin)
        if url and url not in found:
            found.append(url)
    return found


def crawl(
    page: Any,
    *,
    start: Iterable[str],
    seen_routes: set[str],
    depth: int = 2,
    on_page: Callable[[str, Any], None] | None = None,
    exports: dict[str, str] | None = None,
) -> list[str]:
    """Visits the pages of the logged-in user of `page`: `start` and the pages linked from it (one tap), then pages
    linked from those, `depth` taps deep,
    one URL per route not in `seen_routes` (which is updated, so a route checked for one role is not checked
    again for the next). `on_page(url, response)` is called on each page; the URLs visited are returned.
    `exports` (route → URL) gathers the spreadsheets and PDFs the visited pages link to, one per route."""
    chosen: list[str] = []
    frontier = []
    for url in start:  # where the user starts is followed even when another user's visit checked it
        page.goto(page.base_url + url)
        frontier.extend([url, *page_links(page)])
    for level in range(1, depth + 1):
        candidates: dict[str, str] = {}
        for url in frontier:
            route = route_of(urlsplit(url).path)
            if route is None or route in seen_routes:
                continue
            # the plain URL of a route stands for its filtered and paged variants
            if route not in candidates or ("?" in candidates[route] and "?" not in url):
                candidates[route] = url
        next_frontier: list[str] = []
        for route, url in candidates.items():
            seen_routes.add(route)
            chosen.append(url)
            response = open_page(page, url)
            if on_page:
                on_page(url, response)
            if response is None or not is_html(response):
                continue
            if exports is not None:
                for export in page_exports(page):
                    exports.setdefault(route_of(urlsplit(export).path) or export, export)
            if level < depth:
                next_frontier.extend(page_links(page))
        frontier = next_frontier
    return chosen


def open_page(page: Any, url: str) -> Any:
    """The answer to opening `url`, or None when the browser could not show it (a 405 with no body, a download)."""
    try:
        return page.goto(page.base_url + url)
    except Exception as exc:  # Playwright's error: the page did not open
        if "net::" not in str(exc) and "Download" not in str(exc):
            raise
        return None


def is_html(response: Any) -> bool:
    return bool(response.headers.get("content-type", "").startswith("text/html"))


# A finger's target: 44×44 CSS px (WCAG 2.5.5, AAA), 48×48 in elder mode.
TARGET_PX = 44
ELDER_TARGET_PX = 48
TARGETS_LISTED = int(os.environ.get("LINLI_TARGETS_LISTED", "8"))  # more when fixing many at once

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n =>
      n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""

# Targets: links, buttons, fields and boxes with their labels, what a finger taps. Not counted: links inside running
# text (WCAG's inline exception), the skip link (off screen until focused), and drawings in maps (SVG; their places
# are listed beside the map).
TARGETS = """(min) => {
  const out = [];
  const inRunningText = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest('p, li, dd, td, div, span, label, small');
    if (!block) return false;
    const own = (el.innerText || '').trim().length;
    return (block.innerText || '').trim().length > own + 6;
  };
  // a box is tapped through its label too: the label that holds it (or names it) is the target
  const box = (el) => {
    if (el.type !== 'checkbox' && el.type !== 'radio') return el;
    return el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el;
  };
  const selector = 'a[href], button, summary, [role=button], select, textarea, '
    + 'input:not([type=hidden]):not([type=file])';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('svg') || el.classList.contains('skip')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = box(el).getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;  // nothing, or hidden for screen readers only
    if (r.width >= min && r.height >= min) continue;
    if (inRunningText(el)) continue;
    const name = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
    const what = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '');
    out.push(`${what} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return out;
}"""

# The text a person reads: the body's text, without what is marked as another language or as code.
VISIBLE_TEXT = """() => {
  const clone = document.body.cloneNode(true);
  const other = '[lang]:not([lang^=zh]), code, pre, script, style, noscript, template, .skip, [hidden], svg';
  clone.querySelectorAll(other + ', .visually-hidden')
    .forEach(e => e.remove());
  document.body.appendChild(clone); clone.style.position = 'absolute'; clone.style.left = '-99999px';
  const text = clone.innerText; clone.remove();
  return text;
}"""


# snake_case a page may show: the names of a standard's parameters that staff type into other systems.
ALLOWED_SNAKE = {"jurisdiction_id"}  # Open311 GeoReport v2, on the page that hands out its API keys


def raw_text_problems(text: str, *, chinese: bool) -> list[str]:
    problems = []
    for pattern, what in ((SNAKE, "snake_case"), (REPR, "Python value")):
        hits = sorted({m.group(0) for m in pattern.finditer(text)} - (ALLOWED_SNAKE if pattern is SNAKE else set()))
        if hits:
            problems.append(f"{what}: {', '.join(hits[:8])}")
    if chinese:
        words = sorted({w for w in ENGLISH_WORD.findall(text) if w not in ALLOWED_ENGLISH})
        if words:
            problems.append(f"English on a Chinese page: {', '.join(words[:12])}")
    return problems


def check_page(page: Any, *, elder: bool) -> list[str]:
    """What is wrong with the page on the screen: axe-core's serious and critical violations, tap targets under
    44×44 CSS px (48×48 in elder mode), raw codes and English in the text."""
    problems = []
    for v in page.evaluate(AXE_RUN, AXE_TAGS):
        if v["impact"] in FAILING_IMPACTS:
            problems.append(f"axe {v['impact']} {v['id']} ({v['help']}): {' | '.join(v['nodes'])}")
    least = ELDER_TARGET_PX if elder else TARGET_PX
    small = page.evaluate(TARGETS, least)
    if small:
        problems.append(f"targets under {least} px: {'; '.join(small[:TARGETS_LISTED])}")
    chinese = (page.evaluate("document.documentElement.lang") or "").startswith("zh")
    problems.extend(raw_text_problems(page.evaluate(VISIBLE_TEXT), chinese=chinese))
    return problems


def check_response(page: Any, response: Any, *, elder: bool) -> list[str]:
    """The problems of the page just opened (its answer `response`)."""
    if response is None or response.status >= 400:
        return [f"a link leads to an error: {response.status if response else 'the page did not open'}"]
    return check_page(page, elder=elder) if is_html(response) else []


def file_text(content: bytes, content_type: str) -> str | None:
    """The text a person reads in a spreadsheet (every sheet's name and cell) or a PDF; None for other files."""
    import io

    if content_type.startswith("application/pdf") or content[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in content_type or content[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        lines = []
        for sheet in book.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                lines.append("\t".join(str(v) for v in row if v is not None))
        return "\n".join(lines)
    return None


def check_export(page: Any, url: str, *, chinese: bool) -> list[str]:
    """The problems of a spreadsheet or PDF the logged-in user of `page` downloads from `url`: an error, or raw
    codes, Python values and (for a Chinese reader) English in its text."""
    response = page.request.get(page.base_url + url)
    if response.status >= 400:
        return [f"the file link leads to an error: {response.status}"]
    text = file_text(response.body(), response.headers.get("content-type", ""))
    return [] if text is None else raw_text_problems(text, chinese=chinese)
