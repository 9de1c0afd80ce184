from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "linli.facilities"
    label = "facilities"

    def ready(self) -> None:
        from linli.people.moving import move_out_hook_register

        from .services import bookings_cancel_at_move_out

        move_out_hook_register("facilities", bookings_cancel_at_move_out)
