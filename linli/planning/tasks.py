from django_tasks import task


@task()
def execute_plan_run(run_id: int) -> None:
    from .services import plan_run_execute

    plan_run_execute(run_id=run_id)
