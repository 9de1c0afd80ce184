from django_tasks import task

from .execution import plan_run_execute


@task()
def execute_plan_run(run_id: int) -> None:
    plan_run_execute(run_id=run_id)
