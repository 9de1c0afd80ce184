"""The register import walked on a phone in elder mode: upload → preview → import → progress → result."""

import datetime as dt
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, screenshot
from linli.people.models import RegisterImport, Resident

from .register_files import person, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BIRTH = dt.date(1950, 3, 8)


def test_a_social_worker_imports_the_register_on_a_phone(page: Any, make_user: Any, community: Any, tmp_path) -> None:
    worker = make_user(Role.SOCIAL_WORKER, community)
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, worker.mobile)
    path = tmp_path / "市北社区人口信息采集表.xlsx"
    rows = [
        person("周丽君", BIRTH, 2, building="市北社区1幢", 人员类别="独居老人"),
        person("王建国", BIRTH, 3, building="市北社区1幢", 联系电话="+86 138-0000-0001"),
        person("无楼", BIRTH, 5, building="99幢"),
    ]
    path.write_bytes(workbook(rows, titles=2))

    page.goto(f"{page.base_url}/people/{community.code}/residents/register/")
    assert "导入人口台账" in page.inner_text("h1")
    screenshot(page, "people-register-upload-elder")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=count-created]") == "2"
    assert page.inner_text("[data-testid=count-refused]") == "1"
    text = page.inner_text("main")
    assert "这是预览" in text and "本社区没有“99幢”这栋楼" in text
    assert Resident.objects.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    screenshot(page, "people-register-preview-elder")

    page.click("[data-testid=start]")
    page.wait_for_load_state()
    page.wait_for_selector("[data-testid=done]")
    assert Resident.objects.count() == 2
    assert "已于" in page.inner_text("[data-testid=done]")
    screenshot(page, "people-register-done-elder")

    # A long import in progress: the bar follows the job through the API and the page reloads when it is done.
    job = RegisterImport.objects.create(
        community=community,
        uploaded_by=worker,
        file_name="大表.xlsx",
        sha256="0" * 64,
        status=RegisterImport.Status.RUNNING,
        counts={"created": 20000, "updated": 0, "unchanged": 0, "refused": 0},
        progress_done=8000,
        progress_total=20000,
    )
    page.goto(f"{page.base_url}/people/{community.code}/residents/register/{job.pk}/")
    assert "正在导入" in page.inner_text("[data-testid=progress]")
    assert page.get_attribute("[data-progress-bar]", "value") == "40"
    screenshot(page, "people-register-progress-elder")
    RegisterImport.objects.filter(pk=job.pk).update(status=RegisterImport.Status.DONE, progress_done=20000)
    page.wait_for_selector("[data-testid=done]")
