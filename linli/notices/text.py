"""The notice text format: a small subset of Markdown, rendered from escaped text, so no markup typed by an author
reaches the page. Blank lines part paragraphs; lines starting "- " make a list, "1. " a numbered list;
**bold**; [words](https://…) links (http and https only)."""

import html
import re

from django.utils.safestring import SafeString, mark_safe

BOLD = re.compile(r"\*\*(.+?)\*\*")
LINK = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s()<>]{1,500})\)")
BULLET = re.compile(r"^[-*]\s+")
NUMBERED = re.compile(r"^\d{1,3}[.)、]\s*")


def _inline(escaped: str) -> str:
    escaped = LINK.sub(r'<a href="\2" rel="nofollow noopener noreferrer">\1</a>', escaped)
    return BOLD.sub(r"<strong>\1</strong>", escaped)


def _block(lines: list[str]) -> str:
    if all(BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(BULLET.sub('', line))}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    if all(NUMBERED.match(line) for line in lines):
        items = "".join(f"<li>{_inline(NUMBERED.sub('', line))}</li>" for line in lines)
        return f"<ol>{items}</ol>"
    return "<p>" + "<br>".join(_inline(line) for line in lines) + "</p>"


def render_body(text: str) -> SafeString:
    escaped = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    blocks: list[list[str]] = [[]]
    for line in escaped.split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return mark_safe("".join(_block(lines) for lines in blocks if lines))  # built from escaped text only


def plain_excerpt(text: str, length: int = 60) -> str:
    flat = BOLD.sub(r"\1", LINK.sub(r"\1", " ".join(text.split())))
    return flat if len(flat) <= length else flat[: length - 1] + "…"
