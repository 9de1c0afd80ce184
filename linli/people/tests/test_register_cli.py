"""`linli import-register FILE --community CODE [--dry-run]` on messy real-style workbooks (issue #17)."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linli.audit.models import AuditEntry
from linli.cli import main
from linli.core import crypto
from linli.people.models import Resident
from linli.places.models import Building, Community, Household, Neighbourhood

from .register_files import HEADER, number, person, workbook

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1950, 3, 8)


def run(path: Path, *args: str) -> tuple[int, list[str]]:
    """The exit code and the printed lines of the command."""
    from io import StringIO

    out = StringIO()
    code = 0
    try:
        call_command("import_register", str(path), *args, stdout=out)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue().splitlines()


def write(tmp_path: Path, content: bytes, name: str = "register.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def tables() -> dict[str, int]:
    return {
        "residents": Resident.objects.count(),
        "tags": Resident.tags.through.objects.count(),
        "households": Household.objects.count(),
        "buildings": Building.objects.count(),
        "neighbourhoods": Neighbourhood.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def by_number(value: str) -> Resident:
    return Resident.objects.get(id_number_digest=crypto.digest(value))


@pytest.fixture
def hood(community: Community) -> Neighbourhood:
    hood = community.neighbourhoods.get()
    Building.objects.create(community=community, neighbourhood=hood, name="32幢", lat=30.28, lng=120.13)
    return hood


def messy_workbook() -> tuple[bytes, dict[str, str]]:
    """Two title rows, header synonyms in another order, an extra column, a household's address in merged cells,
    IDs with a lower-case x, full-width digits and spaces, dates in four spellings, mobiles with +86 and dashes,
    categories with three separators, and empty rows at the end."""
    ids = {
        "x": next(
            number(dt.date(1949, 3, 5), s) for s in range(1, 999, 2) if number(dt.date(1949, 3, 5), s)[-1] == "X"
        ),
        "wide": number(dt.date(1952, 11, 2), 12),
        "spaced": number(dt.date(1980, 1, 9), 21),
        "plain": number(dt.date(2010, 6, 30), 34),
    }
    header = [
        "序号",
        "户籍地址",
        "楼幢",
        "门牌号",
        "单元",
        "小区",
        "姓名",
        "身份证号",
        "性别",
        "出生年月日",
        "手机号码",
        "标签",
        "与户主关系",
    ]
    wide = ids["wide"].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    spaced = f"{ids['spaced'][:6]} {ids['spaced'][6:14]} {ids['spaced'][14:]}"
    rows = [
        [
            1,
            "杭州市上城区",
            "32号楼",
            "301",
            "2",
            "市北社区一区",
            "王建国",
            ids["x"].lower(),
            "男",
            "1949.03.05",
            "+86 138-0000-0001",
            "党员、独居老人",
            "户主",
        ],
        [
            2,
            None,
            None,
            None,
            None,
            None,
            "李秀英",
            wide,
            "女",
            dt.datetime(1952, 11, 2),
            "139 0000 0002",
            "空巢老人，低保",
            "配偶",
        ],
        [
            3,
            "杭州市上城区",
            "32",
            "302室",
            "2单元",
            "市北社区一区",
            "王小明",
            spaced,
            "男",
            "1980/1/9",
            "13700000003",
            "退役军人;党员",
            "子",
        ],
        [4, "杭州市上城区", "32栋", "302", "2", "市北社区一区", "王乐乐", ids["plain"], "", "20100630", "", "", "孙女"],
        [None] * 13,
        [None] * 13,
    ]
    book_rows = rows
    # 王建国 and 李秀英 share one home: the address cells of rows 4 and 5 are merged, as 一户一档 sheets do
    content = workbook(book_rows, header=header, titles=2, merges=("B4:B5", "C4:C5", "D4:D5", "E4:E5", "F4:F5"))
    return content, ids


def test_a_messy_workbook_imports_every_row(tmp_path: Path, community: Community, hood: Neighbourhood) -> None:
    content, ids = messy_workbook()
    code, lines = run(write(tmp_path, content), "--community", community.code)
    assert lines == ["created: 4, updated: 0, unchanged: 0, refused: 0"]
    assert code == 0
    wang = by_number(ids["x"])
    assert wang.name == "王建国" and wang.id_number_masked.endswith("X")
    assert crypto.decrypt(wang.id_number_encrypted) == ids["x"]
    assert wang.mobile == "13800000001" and wang.sex == "M" and wang.birth_date == dt.date(1949, 3, 5)
    assert wang.is_party_member and {t.code for t in wang.tags.all()} == {"elderly_living_alone"}
    assert wang.relation_to_head == "head" and wang.hukou_address == "杭州市上城区"
    li = by_number(ids["wide"])
    assert li.household == wang.household  # the merged address cells
    assert str(li.household.building) == "32幢" and li.household.unit == "2单元301"
    assert {t.code for t in li.tags.all()} == {"empty_nest_elderly", "low_income"} and not li.is_party_member
    son = by_number(ids["spaced"])
    assert son.household.unit == "2单元302" and son.is_party_member and son.relation_to_head == "child"
    assert by_number(ids["plain"]).household == son.household
    assert AuditEntry.objects.filter(action="resident.create").count() == 4
    summary = AuditEntry.objects.get(action="resident.import_register")
    assert summary.after["created"] == 4 and summary.after["file_name"] == "register.xlsx"
    assert summary.via == "cli"


def test_a_dry_run_writes_nothing(tmp_path: Path, community: Community, hood: Neighbourhood) -> None:
    content, _ids = messy_workbook()
    before = tables()
    code, lines = run(write(tmp_path, content), "--community", community.code, "--dry-run")
    assert code == 0
    assert "created: 4, updated: 0, unchanged: 0, refused: 0" in lines
    assert tables() == before


def test_a_dry_run_of_buildings_to_create_writes_nothing(tmp_path: Path, community: Community) -> None:
    content = workbook([person("周丽君", BIRTH, 2, building="7号楼")])
    before = tables()
    code, lines = run(write(tmp_path, content), "--community", community.code, "--dry-run", "--create-buildings")
    assert (code, lines[-1]) == (0, "created: 1, updated: 0, unchanged: 0, refused: 0")
    assert tables() == before


def test_refused_rows_say_row_column_and_why_and_the_rest_is_imported(
    tmp_path: Path, community: Community, hood: Neighbourhood
) -> None:
    good = number(BIRTH, 2)
    bad_check = number(BIRTH, 4)[:-1] + ("1" if number(BIRTH, 4)[-1] != "1" else "2")
    twice = number(dt.date(1960, 1, 1), 6)
    rows = [
        person("周丽君", BIRTH, 2),  # row 2: fine
        person("错校验", BIRTH, 4, id_number=bad_check),  # 3
        person("生日错", BIRTH, 8, 出生日期="1950-03-09"),  # 4
        person("性别错", BIRTH, 10, 性别="男"),  # 5
        person("重复甲", dt.date(1960, 1, 1), 6, id_number=twice),  # 6
        person("重复乙", dt.date(1960, 1, 1), 6, id_number=twice),  # 7
        person("无楼", BIRTH, 12, building="99幢"),  # 8
        person("座机", BIRTH, 14, 联系电话="0571-8888888"),  # 9
        person("科学", BIRTH, 16, id_number=float(number(BIRTH, 16)[:-1] + "0")),  # 10: a number cell
        person("科学文本", BIRTH, 18, id_number="3.30109E+17"),  # 11
        person("怪类别", BIRTH, 20, 人员类别="外星人"),  # 12
        person("无号", BIRTH, 22, id_number=""),  # 13
        person("香港手机", BIRTH, 24, 联系电话="+852 6123 4567"),  # 14
    ]
    code, lines = run(write(tmp_path, workbook(rows)), "--community", community.code, "--lang", "en")
    assert code == 1
    assert lines[0] == "created: 1, updated: 0, unchanged: 0, refused: 12"
    assert lines[1:] == [
        "row 3: 公民身份号码: This ID number's check character is wrong: please check it again.",
        "row 4: 出生日期: The birth date does not agree with the ID number.",
        "row 5: 性别: The sex does not agree with the ID number.",
        "row 6: 公民身份号码: The same ID number is also on row 7.",
        "row 7: 公民身份号码: The same ID number is also on row 6.",
        "row 8: 楼栋: There is no building “99幢” in this community.",
        "row 9: 联系电话: This is not a mainland China mobile number (11 digits starting with 1).",
        "row 10: 公民身份号码: Excel stored this ID number as a number and lost its last digits: format the column "
        "as text and type the number again.",
        "row 11: 公民身份号码: Excel shows this ID number in scientific notation (3.30109E+17) and has lost its last "
        "digits: format the column as text and type the number again.",
        "row 12: 人员类别: Unknown category “外星人”.",
        "row 13: 公民身份号码: The ID number is missing: the register is kept by ID number.",
        "row 14: 联系电话: This is not a mainland China mobile number (11 digits starting with 1).",
    ]
    assert list(Resident.objects.values_list("name", flat=True)) == ["周丽君"]
    assert by_number(good).name == "周丽君"


def test_reasons_speak_chinese_by_default(tmp_path: Path, community: Community) -> None:
    rows = [person("座机", BIRTH, 14, 联系电话="0571-8888888", building="市北社区1幢")]
    code, lines = run(write(tmp_path, workbook(rows)), "--community", community.code)
    assert code == 1
    assert lines[1].startswith("row 2: 联系电话: ") and "手机" in lines[1]


def test_the_same_file_again_changes_nothing(tmp_path: Path, community: Community, hood: Neighbourhood) -> None:
    content, _ids = messy_workbook()
    path = write(tmp_path, content)
    assert run(path, "--community", community.code)[0] == 0
    before = tables()
    code, lines = run(path, "--community", community.code)
    assert (code, lines) == (0, ["created: 0, updated: 0, unchanged: 4, refused: 0"])
    assert tables() == {**before, "audit": before["audit"] + 1}  # only the import's own audit row


def test_a_later_file_updates_by_id_number_and_marks_moving_out(
    tmp_path: Path, community: Community, hood: Neighbourhood
) -> None:
    first = [person("周丽君", BIRTH, 2), person("王建国", BIRTH, 3), person("不在新表", BIRTH, 5)]
    assert run(write(tmp_path, workbook(first), "a.xlsx"), "--community", community.code)[0] == 0
    absent = by_number(number(BIRTH, 5))
    header = [*HEADER, "人员状态", "迁出日期"]
    later = [
        [*person("周丽君", BIRTH, 2, 联系电话="13900000009", 人员类别="独居老人"), "在册", None],
        [*person("王建国", BIRTH, 3), "迁出", "2026-05-01"],
    ]
    code, lines = run(write(tmp_path, workbook(later, header=header), "b.xlsx"), "--community", community.code)
    assert (code, lines) == (0, ["created: 0, updated: 2, unchanged: 0, refused: 0"])
    zhou = by_number(number(BIRTH, 2))
    assert zhou.mobile == "13900000009" and [t.code for t in zhou.tags.all()] == ["elderly_living_alone"]
    wang = by_number(number(BIRTH, 3))
    assert wang.moved_out_on == dt.date(2026, 5, 1)
    absent_after = by_number(number(BIRTH, 5))
    assert absent_after.moved_out_on is None and absent_after.updated_at == absent.updated_at
    update = AuditEntry.objects.filter(action="resident.update", object_id=str(zhou.pk)).get()
    assert update.after["changed"] == ["mobile", "tags"] and update.before["mobile"] == ""
    # 迁出 without a date keeps the date already recorded
    again = [[*person("王建国", BIRTH, 3), "迁出", None]]
    code, lines = run(write(tmp_path, workbook(again, header=header), "c.xlsx"), "--community", community.code)
    assert lines == ["created: 0, updated: 0, unchanged: 1, refused: 0"]
    assert by_number(number(BIRTH, 3)).moved_out_on == dt.date(2026, 5, 1)
    assert Resident.objects.count() == 3


def test_buildings_are_found_by_number_within_the_neighbourhood(
    tmp_path: Path, community: Community, hood: Neighbourhood
) -> None:
    rows = [
        person(f"住户{i}", BIRTH, 2 * i, building=text) for i, text in enumerate(["32", "32幢", "32号楼", "32栋"], 1)
    ]
    code, _lines = run(write(tmp_path, workbook(rows)), "--community", community.code)
    assert code == 0
    assert set(Resident.objects.values_list("household__building__name", flat=True)) == {"32幢"}


def test_unknown_buildings_are_created_when_asked(tmp_path: Path, community: Community) -> None:
    rows = [person("周丽君", BIRTH, 2, building="7号楼", 小区="新小区"), person("王建国", BIRTH, 3, building="7")]
    rows[1][HEADER.index("小区")] = "新小区"
    code, lines = run(write(tmp_path, workbook(rows)), "--community", community.code, "--create-buildings")
    assert (code, lines) == (0, ["created: 2, updated: 0, unchanged: 0, refused: 0"])
    building = Building.objects.get(name="7幢")
    assert building.neighbourhood.name == "新小区" and building.households.count() == 1


def test_a_gbk_csv_is_read(tmp_path: Path, community: Community) -> None:
    lines = [",".join(["姓名", "身份证号码", "出生日期", "楼栋", "单元", "室号"])]
    lines.append(",".join(["周丽君", number(BIRTH, 2), "1950-03-08", "市北社区1幢", "1", "101"]))
    path = write(tmp_path, ("\r\n".join(lines) + "\r\n").encode("gb18030"), "register.csv")
    code, out = run(path, "--community", community.code)
    assert (code, out) == (0, ["created: 1, updated: 0, unchanged: 0, refused: 0"])
    assert by_number(number(BIRTH, 2)).household == community.households.get(unit="1单元101")


def test_a_file_without_a_header_is_refused(tmp_path: Path, community: Community) -> None:
    path = write(tmp_path, workbook([["a", "b"]], header=["甲", "乙"]))
    with pytest.raises(CommandError, match="公民身份号码"):
        call_command("import_register", str(path), "--community", community.code)
    assert Resident.objects.count() == 0


@pytest.mark.usefixtures("keep_connection")
def test_the_linli_command_exits_1_when_a_row_is_refused(tmp_path: Path, community: Community, capsys: Any) -> None:
    path = write(tmp_path, workbook([person("无楼", BIRTH, 2, building="99幢")]))
    with pytest.raises(SystemExit) as exit_info:
        main(["import-register", str(path), "--community", community.code, "--skip-checks"])
    assert exit_info.value.code == 1
    assert "row 2: 楼栋: " in capsys.readouterr().out


@pytest.fixture
def keep_connection(monkeypatch: Any) -> None:
    """`run_from_argv` closes the database connections when the command ends: on PostgreSQL that would end the
    test's transaction."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.mark.usefixtures("keep_connection")
def test_the_linli_command_takes_the_dashed_name(tmp_path: Path, community: Community, capsys: Any) -> None:
    path = write(tmp_path, workbook([person("周丽君", BIRTH, 2, building="市北社区1幢")]))
    code = 0
    try:
        main(
            ["import-register", str(path), "--community", community.code, "--dry-run", "--lang", "en", "--skip-checks"]
        )
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 0
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "created: 1, updated: 0, unchanged: 0, refused: 0" in out
    assert Resident.objects.count() == 0


def test_a_refused_row_creates_no_building(tmp_path: Path, community: Community) -> None:
    rows = [
        person("生日错", BIRTH, 2, building="8号楼", 出生日期="1950-03-09"),
        person("无室号", BIRTH, 4, building="9", room=""),
    ]
    before = tables()
    code, lines = run(write(tmp_path, workbook(rows)), "--community", community.code, "--create-buildings")
    assert code == 1 and lines[0] == "created: 0, updated: 0, unchanged: 0, refused: 2"
    assert lines[2].startswith("row 3: 室号: ")
    assert tables() == {**before, "audit": before["audit"] + 1}


def test_the_moving_in_date_is_read_checked_and_exported(
    tmp_path: Path, community: Community, hood: Neighbourhood
) -> None:
    """迁入日期 (`Resident.moved_in_on`): a date not in the future, after the birth and before any moving out; an
    empty cell for a person here before the register began; the export writes it back."""
    from django.utils import timezone, translation

    from linli.people.register import layout

    header = [*HEADER, "迁入日期", "迁出日期"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    rows = [
        [*person("周丽君", BIRTH, 2), "2024-03-01", None],  # row 2: fine
        [*person("王建国", BIRTH, 3), None, None],  # row 3: here before the register began
        [*person("李明", BIRTH, 4), "上个月", None],  # row 4
        [*person("张华", BIRTH, 5), tomorrow, None],  # row 5
        [*person("陈静", BIRTH, 6), "1949-01-01", None],  # row 6: before the birth
        [*person("赵强", BIRTH, 7), "2025-06-01", "2025-01-01"],  # row 7: out before in
    ]
    before = tables()
    code, lines = run(write(tmp_path, workbook(rows, header=header)), "--community", community.code, "--lang", "en")
    assert code == 1
    assert lines[0] == "created: 2, updated: 0, unchanged: 0, refused: 4"
    assert lines[1:5] == [
        "row 4: 迁入日期: This is not a date: write it as 2026-03-08.",
        "row 5: 迁入日期: A moving-in date cannot be in the future.",
        "row 6: 迁入日期: The moving-in date is before the birth date.",
        "row 7: 迁出日期: The moving-out date is before the moving-in date.",
    ]
    assert tables()["residents"] == before["residents"] + 2
    assert by_number(number(BIRTH, 2)).moved_in_on == dt.date(2024, 3, 1)
    assert by_number(number(BIRTH, 3)).moved_in_on is None
    # a later file changes it; the column is explained in Chinese in the template
    later = [[*person("王建国", BIRTH, 3), "2026-02-10", None]]
    code, lines = run(write(tmp_path, workbook(later, header=header), "b.xlsx"), "--community", community.code)
    assert lines[0] == "created: 0, updated: 1, unchanged: 0, refused: 0"
    assert by_number(number(BIRTH, 3)).moved_in_on == dt.date(2026, 2, 10)
    with translation.override("zh-hans"):
        assert str(layout.BY_KEY["moved_in_on"].help) == "迁入本社区的日期；登记开始前就已居住的，留空。"
        assert translation.gettext("A moving-in date cannot be in the future.") == "迁入日期不能晚于今天。"
    from linli.people.register.workbook import export_row

    exported = export_row(by_number(number(BIRTH, 3)), reveal=False, birth_date=True)
    assert dt.date(2026, 2, 10) in exported
