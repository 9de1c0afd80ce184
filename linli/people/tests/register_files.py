"""Registers as street offices really send them, built with openpyxl for the tests."""

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

from linli.people import idnumber

HEADER = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "小区",
    "楼栋",
    "单元",
    "室号",
    "与户主关系",
    "人户状态",
    "户籍地址",
    "人员类别",
    "备注",
]


def number(birth: dt.date, seq: int) -> str:
    """A valid ID number; an odd `seq` is a man, an even one a woman."""
    return idnumber.make_id_number("330109", birth, seq)


def workbook(
    rows: list[list[Any]], *, header: list[str] = HEADER, titles: int = 0, merges: tuple[str, ...] = ()
) -> bytes:
    book = Workbook()
    sheet = book.active
    for i in range(titles):
        sheet.append([f"宁围街道市北社区人口信息采集表（第{i + 1}页）"])
        sheet.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person(
    name: str,
    birth: dt.date,
    seq: int,
    *,
    id_number: Any = None,
    building: str = "1幢",
    unit: str = "1",
    room: str = "101",
    **extra: Any,
) -> list[Any]:
    values = {
        "姓名": name,
        "公民身份号码": id_number if id_number is not None else number(birth, seq),
        "性别": "男" if seq % 2 else "女",
        "出生日期": birth,
        "联系电话": "",
        "小区": "市北社区一区",
        "楼栋": building,
        "单元": unit,
        "室号": room,
        "与户主关系": "户主",
        "人户状态": "人户一致",
        "户籍地址": "",
        "人员类别": "",
        "备注": "",
        **extra,
    }
    return [values[h] for h in HEADER]
