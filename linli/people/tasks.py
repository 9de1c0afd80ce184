from django_tasks import task

from .importing import register_import_execute


@task()
def run_register_import(job_id: int) -> None:
    register_import_execute(job_id=job_id)
