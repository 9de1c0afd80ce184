from django.apps import AppConfig


class ChildcareConfig(AppConfig):
    name = "linli.childcare"
    label = "childcare"

    def ready(self) -> None:
        from linli.facilities.mine import mine_list_register

        from .selectors import applications_of_user

        mine_list_register("applications", applications_of_user, limit=20)
