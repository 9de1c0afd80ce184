"""Every periodic job named in the schedule exists, is a task, and runs once on an empty database."""

import pytest
from django.utils.module_loading import import_string

from linli.core.schedule import PERIODIC_TASKS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("dotted", "every"), PERIODIC_TASKS)
def test_periodic_task_runs(dotted, every):
    task = import_string(dotted)
    assert every >= 60
    task.enqueue()  # the test settings run tasks at once
