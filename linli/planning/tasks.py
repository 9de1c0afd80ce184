from django_tasks import task

from .execution import city_run_execute, plan_run_execute


@task()
def execute_plan_run(run_id: int) -> None:
    plan_run_execute(run_id=run_id)


@task()
def execute_city_run(run_id: int) -> None:
    city_run_execute(run_id=run_id)
