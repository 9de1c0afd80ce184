"""The register's cell readers, one mess at a time (no database)."""

import datetime as dt

import pytest

from linli.people.register import layout, parse

from .register_files import number, workbook

DAY = dt.date(1949, 3, 5)


@pytest.mark.parametrize(
    "cell",
    [DAY, dt.datetime(1949, 3, 5), "1949-03-05", "1949/3/5", "1949.03.05", "19490305", 19490305, "1949年3月5日",
     " 1949-03-05 00:00:00 ", "１９４９－０３－０５", 17962],
)  # fmt: skip
def test_dates_in_every_spelling(cell):
    assert parse.parse_day(cell) == DAY


@pytest.mark.parametrize("cell", ["1949-13-05", "三月五日", "49/3/5", 123456789])
def test_what_is_not_a_date(cell):
    with pytest.raises(ValueError):
        parse.parse_day(cell)


@pytest.mark.parametrize("cell", ["32", "32幢", "32号楼", "32栋", "032", "32 号楼", "32号", "３２幢"])
def test_a_building_by_its_number(cell):
    assert parse.building_number(parse.text(cell)) == "32"


def test_a_building_by_its_name_is_not_a_number():
    assert parse.building_number("阳光苑A座") is None


@pytest.mark.parametrize(
    ("unit", "room", "household"),
    [("2", "301", "2单元301"), ("2单元", "301室", "2单元301"), ("", "301", "301"), ("", "2单元301", "2单元301")],
)
def test_household_units_as_the_site_writes_them(unit, room, household):
    assert parse.household_unit(unit, room) == household


@pytest.mark.parametrize(
    ("header", "key"),
    [("身份证号", "id_number"), ("身份证号码", "id_number"), ("公民身份号码", "id_number"), ("手机号码", "mobile"),
     ("联系电话", "mobile"), ("楼幢", "building"), ("门牌号", "room"), ("标签", "categories"),
     ("出生日期（年-月-日）", "birth_date"), ("* 姓 名", "name"), ("人员类别\n(多选)", "categories")],
)  # fmt: skip
def test_header_synonyms(header, key):
    assert layout.SYNONYMS[layout.header_key(header)] == key


def test_categories_with_every_separator():
    tags = parse.tag_lookup([("elderly_living_alone", "独居老人"), ("low_income", "低保户"), ("disabled", "残疾人")])
    header = ["姓名", "身份证号", "人员类别"]
    rows = [["甲", number(DAY, 1), "独居老人、低保，残疾人;党员"], ["乙", number(DAY, 3), "低保户,独居"]]
    parsed = parse.parse_register(workbook(rows, header=header), "a.xlsx", tags=tags, today=dt.date(2026, 1, 1))
    first, second = parsed.rows
    assert first.ok and first.values["tags"] == ["disabled", "elderly_living_alone", "low_income"]
    assert first.values["is_party_member"] is True
    assert second.values["tags"] == ["elderly_living_alone", "low_income"] and not second.values["is_party_member"]


def test_a_second_header_row_under_a_grouped_heading_is_merged_in():
    header = ["姓名", "身份证号", "居住地址", None, None]
    rows = [[None, None, "楼栋", "单元", "室号"], ["甲", number(DAY, 1), "1幢", "2", "301"]]
    parsed = parse.parse_register(workbook(rows, header=header), "a.xlsx", tags={}, today=dt.date(2026, 1, 1))
    (row,) = parsed.rows
    assert row.number == 3 and row.values["building"] == "1幢" and row.values["room"] == "301"


def test_owners_are_marked_yes_or_no():
    header = ["姓名", "身份证号", "是否业主"]
    rows = [
        ["甲", number(DAY, 1), "是"],
        ["乙", number(DAY, 3), "否"],
        ["丙", number(DAY, 5), ""],
        ["丁", number(DAY, 7), "租户"],
    ]
    parsed = parse.parse_register(workbook(rows, header=header), "a.xlsx", tags={}, today=dt.date(2026, 1, 1))
    assert [r.values["is_owner"] for r in parsed.rows[:3]] == [True, False, False]
    assert [key for key, _reason in parsed.rows[3].problems] == ["is_owner"]
