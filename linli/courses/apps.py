from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "linli.courses"
    label = "courses"

    def ready(self) -> None:
        from linli.facilities.mine import mine_list_register
        from linli.payments.purposes import register
        from linli.people.moving import move_out_hook_register

        from .fees import HANDLER
        from .selectors import enrolments_listed
        from .services import enrolments_withdraw_at_move_out

        mine_list_register(
            "enrolments", enrolments_listed, limit=50, actor="enrolled_by", links={"withdraw_url": "courses:withdraw"}
        )
        move_out_hook_register("courses", enrolments_withdraw_at_move_out)
        register(HANDLER)
