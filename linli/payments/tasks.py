"""Delivering the simulated gateway's notifications in the background, as a real gateway posts them to the notify
URL: to the same handler the notify view calls."""

from django_tasks import task

from . import services
from .providers import BadNotification


@task()
def gateway_notify(body: str, headers: dict[str, str]) -> str:
    try:
        services.notification_receive(provider="simulated", body=body.encode(), headers=headers)
    except BadNotification as exc:  # refused and logged by the handler; a real gateway would retry
        return f"refused: {exc}"
    return "SUCCESS"
