from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "linli.courses"
    label = "courses"

    def ready(self) -> None:
        from linli.facilities.mine import mine_list_register

        from .selectors import enrolments_of_user

        mine_list_register("enrolments", enrolments_of_user, limit=50)
