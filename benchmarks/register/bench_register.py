"""The resident register import at scale: a messy 20,000-row workbook (two title rows, header synonyms, IDs with
a lower-case x, full-width digits and spaces, dates in four spellings, mobiles with +86 and dashes, households'
addresses in merged cells, 1% of rows refused) read, previewed and imported, then imported again (all unchanged).
Target: preview and import each within a minute on this machine. Not a test: `make bench` runs it.

The baseline is the strongest simple way to load the same rows: openpyxl in read-only mode and one `bulk_create` of
residents, no checking, no encryption, no households, no audit. The ratio says what the checks, the matching and
the audit cost. Runs on SQLite (a scratch file in var/) and on PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/linli_register_bench); `--db sqlite` or `--db postgres` runs one.
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/linli_register_bench")
SQLITE_FILE = ROOT / "var" / "register_bench.sqlite3"
TARGET_S = 60
HEADER = ["序号", "姓名", "身份证号", "性别", "出生年月日", "手机号码", "小区", "楼幢", "单元", "门牌号", "与户主关系",
          "人户状态", "户籍地址", "标签", "备注", "填表人"]  # fmt: skip


def messy_workbook(rows: int, seed: int = 2026) -> tuple[bytes, int]:
    """The workbook and how many of its rows should be refused."""
    from openpyxl import Workbook
    from openpyxl.worksheet.cell_range import CellRange

    from linli.people import idnumber

    rnd = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.append(["宁围街道基准社区人口信息采集表"])
    sheet.append(["填报单位：基准社区居委会", None, None, None, "填报日期：2026年12月"])
    sheet.merge_cells("A1:P1")
    sheet.append(HEADER)
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    seen: set[str] = set()
    refused = 0
    n = 0
    merges = []
    last_row = 3  # `sheet.max_row` walks every cell: counted here instead
    while n < rows:
        building, unit, room = rnd.randint(1, 200), rnd.randint(1, 4), f"{rnd.randint(1, 18)}{rnd.randint(1, 4):02d}"
        members = min(rnd.choice((1, 2, 2, 3, 4)), rows - n)
        first_row = last_row + 1
        for m in range(members):
            birth = dt.date(rnd.randint(1930, 2020), rnd.randint(1, 12), rnd.randint(1, 28))
            number = idnumber.make_id_number("330109", birth, rnd.randint(0, 999))
            if number in seen:
                continue
            seen.add(number)
            shown: object = number
            style = rnd.random()
            if style < 0.1:
                shown = number.lower()
            elif style < 0.2:
                shown = number.translate(wide)
            elif style < 0.3:
                shown = f"{number[:6]} {number[6:14]} {number[14:]}"
            if rnd.random() < 0.01:  # a wrong check character
                shown = number[:17] + ("0" if number[17] != "0" else "1")
                refused += 1
            date_style = rnd.random()
            if date_style < 0.4:
                born: object = birth
            elif date_style < 0.6:
                born = f"{birth.year}/{birth.month}/{birth.day}"
            elif date_style < 0.8:
                born = f"{birth:%Y.%m.%d}"
            else:
                born = f"{birth:%Y%m%d}"
            mobile = f"13{rnd.randint(0, 999999999):09d}"
            mobile = rnd.choice((mobile, f"+86 {mobile}", f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}", ""))
            tags = rnd.choice(("", "", "", "党员", "独居老人、党员", "空巢老人，低保", "残疾人;退役军人"))
            sex = "男" if int(number[16]) % 2 else "女"
            address = [f"{building}号楼", unit, room] if m == 0 or members == 1 else [None, None, None]
            relation = "户主" if m == 0 else rnd.choice(("配偶", "子", "女", "孙子"))
            home = ["基准小区", *address, relation, "人户一致", "浙江省杭州市萧山区"]
            sheet.append([n + 1, f"居民{n}", shown, sex, born, mobile, *home, tags, "", "张三"])
            n += 1
            last_row += 1
        if last_row > first_row:
            merges += [f"{c}{first_row}:{c}{last_row}" for c in "HIJ"]
    for ref in merges:  # straight into the set: `merge_cells` checks every range already there (quadratic)
        sheet.merged_cells.ranges.add(CellRange(ref))
    for _ in range(3):
        sheet.append([None] * len(HEADER))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), refused


def baseline(content: bytes, community: object) -> float:
    """openpyxl read-only + bulk_create, no checks: the floor."""
    from openpyxl import load_workbook

    from linli.people.models import Resident

    started = time.perf_counter()
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    objs = []
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if not row or row[1] is None:
            continue
        objs.append(Resident(community=community, name=row[1], birth_date=dt.date(1950, 1, 1)))
    Resident.objects.bulk_create(objs, batch_size=1000)
    return time.perf_counter() - started


def run_one(db: str, rows: int) -> dict[str, object]:
    if db == "postgres":
        import psycopg

        name = PG_URL.rsplit("/", 1)[1]
        with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = PG_URL
    else:
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from linli.people.importing import register_apply, register_plan
    from linli.people.models import Resident, SensitiveTag
    from linli.people.register import parse
    from linli.places.models import Building, Community, Neighbourhood, Street

    call_command("migrate", verbosity=0)
    street = Street.objects.create(code="bench", name="宁围街道")
    centre = {"centre_lat": 30.2, "centre_lng": 120.2}
    community = Community.objects.create(street=street, code="bench", name="基准社区", **centre)
    other = Community.objects.create(street=street, code="floor", name="对照社区", **centre)
    hood = Neighbourhood.objects.create(community=community, name="基准小区")
    Building.objects.bulk_create(
        [Building(community=community, neighbourhood=hood, name=f"{b}幢", lat=30.2, lng=120.2) for b in range(1, 201)]
    )
    started = time.perf_counter()
    content, expect_refused = messy_workbook(rows)
    made = time.perf_counter() - started
    timings: dict[str, float] = {}
    tags = parse.tag_lookup(SensitiveTag.objects.values_list("code", "name_zh"))

    started = time.perf_counter()
    parsed = parse.parse_register(content, "bench.xlsx", tags=tags, today=dt.date.today())
    timings["read and check the file"] = time.perf_counter() - started

    started = time.perf_counter()
    plan = register_plan(actor=None, community=community, content=content, file_name="bench.xlsx")
    timings["preview (dry run)"] = time.perf_counter() - started
    assert plan.counts["refused"] == expect_refused, (plan.counts, expect_refused)

    started = time.perf_counter()
    plan = register_plan(actor=None, community=community, content=content, file_name="bench.xlsx")
    counts = register_apply(actor=None, plan=plan)
    timings["import (preview + write)"] = time.perf_counter() - started
    assert Resident.objects.filter(community=community).count() == counts["created"]

    started = time.perf_counter()
    again = register_plan(actor=None, community=community, content=content, file_name="bench.xlsx")
    register_apply(actor=None, plan=again)
    timings["the same file again"] = time.perf_counter() - started
    assert again.counts["unchanged"] == counts["created"], again.counts

    floor = baseline(content, other)
    return {
        "db": db,
        "rows": len(parsed.rows),
        "bytes": len(content),
        "made": made,
        "counts": counts,
        "timings": timings,
        "baseline": floor,
    }


def report(results: list[dict[str, object]]) -> list[str]:
    first = results[0]
    lines = [
        f"Last run ({dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs shared, load average "
        f"{os.getloadavg()[0]:.1f}): {first['rows']:,} rows, "
        f"{int(first['bytes']) / 1e6:.1f} MB workbook; counts {first['counts']}.",  # type: ignore[call-overload]
        "",
        "| step | " + " | ".join(f"{r['db']} s" for r in results) + " | target |",
        "|---|" + "---:|" * len(results) + "---:|",
    ]
    for step in first["timings"]:  # type: ignore[attr-defined]
        cells = " | ".join(f"{r['timings'][step]:.1f}" for r in results)  # type: ignore[index]
        target = f"< {TARGET_S}" if step in ("preview (dry run)", "import (preview + write)") else ""
        lines.append(f"| {step} | {cells} | {target} |")
    cells = " | ".join(f"{r['baseline']:.1f}" for r in results)
    lines.append(f"| baseline: openpyxl read-only + bulk_create, no checks | {cells} | |")
    ratios = " | ".join(
        f"{r['timings']['import (preview + write)'] / r['baseline']:.1f}×"  # type: ignore[index,operator]
        for r in results
    )
    lines.append(f"| import ÷ baseline | {ratios} | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], help="one database (default: both, one process each)")
    parser.add_argument("--quick", action="store_true", help="2,000 rows")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()
    rows = 2_000 if args.quick else args.rows
    if args.db:
        result = run_one(args.db, rows)
        print(json.dumps(result, default=str) if args.json else result)
        return
    results = []
    for db in ("sqlite", "postgres"):
        out = subprocess.run(
            [sys.executable, __file__, "--db", db, "--rows", str(rows), "--json"],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    lines = report(results)
    print("\n".join(lines))
    readme = Path(__file__).with_name("README.md")
    readme.write_text(
        "# Register import benchmark\n\n" + (__doc__ or "").strip() + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    slowest = max(
        r["timings"][s]  # type: ignore[index]
        for r in results
        for s in ("preview (dry run)", "import (preview + write)")
    )
    print("target met" if slowest < TARGET_S else "TARGET MISSED")


if __name__ == "__main__":
    main()
