"""Django merges every app's catalogue with the project one, so a msgid (with its msgctxt) may have one translation.

When two catalogues translate the same (msgctxt, msgid) differently, one app silently shows the other's word. Give
the msgid a context where the meaning differs, or use the same wording everywhere where it does not.
"""

from collections import defaultdict
from pathlib import Path
from typing import Any

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from linli.conftest import client_for

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("zh_Hans",)


def _catalogues(language: str) -> list[Path]:
    project = sorted(ROOT.glob(f"locale/{language}/LC_MESSAGES/django.po"))
    apps = sorted(ROOT.glob(f"linli/*/locale/{language}/LC_MESSAGES/django.po"))
    return [*project, *apps]


def _translation(entry: polib.POEntry) -> str | tuple[tuple[int, str], ...]:
    if entry.msgid_plural:
        return tuple(sorted(entry.msgstr_plural.items()))
    return entry.msgstr


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or entry.fuzzy:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def collisions(language: str) -> list[str]:
    seen: dict[tuple[str | None, str, str], dict[str, object]] = defaultdict(dict)
    for path in _catalogues(language):
        name = str(path.relative_to(ROOT))
        for entry in polib.pofile(str(path)):
            if _is_translated(entry):
                seen[(entry.msgctxt, entry.msgid, entry.msgid_plural)][name] = _translation(entry)
    found = []
    for key in sorted(seen, key=lambda key: (key[1], key[0] or "")):
        context, msgid, _plural = key
        by_catalogue = seen[key]
        if len(set(by_catalogue.values())) > 1:
            wordings = "; ".join(f"{name}: {wording!r}" for name, wording in sorted(by_catalogue.items()))
            found.append(f"msgctxt={context!r} msgid={msgid!r} -> {wordings}")
    return found


def test_catalogues_are_found() -> None:
    for language in LANGUAGES:
        assert len(_catalogues(language)) > 1


def test_no_msgid_is_translated_differently_by_two_catalogues() -> None:
    for language in LANGUAGES:
        found = collisions(language)
        assert not found, f"{len(found)} msgid(s) translated differently in {language}:\n" + "\n".join(found)


# (context, msgid, Chinese): words that used to show another app's translation, looked up in the merged catalogue.
MERGED = [
    ("fundraising", "Raised", "累计募集"),
    (None, "Raised", "提出"),
    ("meeting record", "Minutes", "会议纪要"),
    (None, "Minutes", "分钟"),
    ("course session", "session", "课次"),
    ("mediation session", "session", "调解会"),
    ("mediation case status", "Open", "待受理"),
    ("report status", "Open", "未办结"),
    ("activity status", "Open", "报名中"),
    ("grant round status", "Closed", "已结束"),
    ("lower bound", "floor", "下限"),
    (None, "floor", "楼层"),
    ("purchase order", "order", "订单"),
    (None, "order", "排序"),
    ("staff area", "Staff", "工作台"),
    (None, "Staff", "工作人员"),
    ("volunteer team", "Team", "服务队"),
    (None, "Team", "团队"),
    ("ledger account", "account", "账户"),
    (None, "account", "账号"),
    ("name of a thing", "Name", "名称"),
    ("reviewer score", "Score", "评分"),
    (None, "Score", "得分"),
    ("matter support", "support", "支持"),
    (None, "support", "附议"),
    ("meeting record", "minutes", "会议纪要"),
    (None, "minutes", "分钟"),
    ("facility code", "Code", "编号"),
    (None, "Code", "编码"),
    (None, "Name", "姓名"),
    (None, "Filter", "筛选"),  # not Django's own 过滤器
    (None, "Actions", "操作"),  # the hidden heading of a table's column of buttons
]


@pytest.mark.parametrize(("context", "msgid", "chinese"), MERGED)
def test_each_meaning_gets_its_own_word_in_chinese_and_english_is_unchanged(
    context: str | None, msgid: str, chinese: str
) -> None:
    def look_up() -> str:
        return pgettext(context, msgid) if context else gettext(msgid)

    with translation.override("zh-hans"):
        assert look_up() == chinese
    with translation.override("en"):
        assert look_up() == msgid


@pytest.mark.django_db
def test_the_fund_page_shows_the_amount_raised_not_the_consultation_word(community: Any) -> None:
    zh = client_for(None, "zh-hans").get(f"/fund/{community.code}/").content.decode()
    assert "累计募集" in zh and "提出" not in zh
    en = client_for(None, "en").get(f"/fund/{community.code}/").content.decode()
    assert "Raised" in en and "累计募集" not in en


@pytest.mark.django_db
def test_the_community_page_heads_the_staff_links_as_the_workbench(community: Any, users: dict[str, Any]) -> None:
    zh = client_for(users["community_admin"], "zh-hans").get(f"/communities/{community.code}/").content.decode()
    assert "<h2>工作台</h2>" in zh and "工作人员" not in zh
    en = client_for(users["community_admin"], "en").get(f"/communities/{community.code}/").content.decode()
    assert "<h2>Staff</h2>" in en


def test_every_template_literal_with_a_percent_sign_is_translated() -> None:
    """`{% translate "Share (%)" %}` looks up "Share (%%)": templates double a percent sign before asking the catalogue,
    so a catalogue that holds only the single-% wording (as Python code asks for it) leaves the page in English."""
    import re

    translated = {
        entry.msgid for path in _catalogues("zh_Hans") for entry in polib.pofile(str(path)) if _is_translated(entry)
    }
    literal = re.compile(r'{% (?:translate|trans) "([^"]*%[^"]*)"')
    missing = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in sorted(ROOT.glob("linli/**/templates/**/*.html"))
        for text in literal.findall(path.read_text(encoding="utf-8"))
        if text.replace("%", "%%") not in translated
    ]
    assert not missing, "template texts with % not in any catalogue as %%:\n" + "\n".join(missing)
