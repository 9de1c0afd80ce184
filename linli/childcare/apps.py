from django.apps import AppConfig


class ChildcareConfig(AppConfig):
    name = "linli.childcare"
    label = "childcare"

    def ready(self) -> None:
        from linli.facilities.mine import mine_list_register

        from .selectors import applications_listed

        mine_list_register(
            "applications",
            applications_listed,
            limit=20,
            resident="child",
            actor="applied_by",
            links={"withdraw_url": "childcare:withdraw"},
        )
