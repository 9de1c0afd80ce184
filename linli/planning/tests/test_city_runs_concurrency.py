"""Two workers on the same city run (a resume queued while the first worker still runs) compute each community
once: a community is claimed before it is computed."""

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from linli.conftest import run_together
from linli.planning import adapter, execution, services, tasks
from linli.planning.models import CityRun, CityRunCommunity

from .test_city_runs import CITY, city  # noqa: F401  (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class _Result:
    """The part of a result the city table keeps (an index of 50 and nothing else), for one community."""

    def __init__(self, code: str) -> None:
        self.code = code

    def to_dict(self) -> dict[str, Any]:
        index = {"community": self.code, "index": 50.0, "under_supplied": True, "classes": {}, "shares": {}}
        return {"index": [index], "coverage": [], "gaps": [], "warning_details": []}


def test_two_workers_at_once_compute_each_community_once(city, users, monkeypatch):  # noqa: F811
    computed: list[str] = []
    lock = threading.Lock()

    def run(**kwargs: Any) -> _Result:
        code = kwargs["inputs"]["communities"]["features"][0]["properties"]["code"]
        with lock:
            computed.append(code)
        time.sleep(0.2)  # long enough for the other worker to look for work meanwhile
        return _Result(code)

    monkeypatch.setattr(adapter, "run", run)
    monkeypatch.setattr(tasks, "execute_city_run", SimpleNamespace(enqueue=lambda run_id: None))  # started below
    city_run = services.city_run_request(actor=users["city_viewer"], city=CITY)
    errors = run_together([lambda: execution.city_run_execute(run_id=city_run.pk)] * 2)
    assert errors == []
    assert sorted(computed) == ["limin", "shibei", "xinjie"]
    city_run.refresh_from_db()
    assert city_run.status == CityRun.Status.DONE
    assert set(city_run.communities.values_list("status", flat=True)) == {CityRunCommunity.Status.DONE}
