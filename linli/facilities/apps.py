from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "linli.facilities"
    label = "facilities"

    def ready(self) -> None:
        from linli.people.moving import move_out_hook_register

        from .mine import mine_list_register
        from .selectors import bookings_listed
        from .services import bookings_cancel_at_move_out

        mine_list_register(
            "bookings", bookings_listed, limit=50, actor="booked_by", links={"cancel_url": "facilities:booking_cancel"}
        )
        move_out_hook_register("facilities", bookings_cancel_at_move_out)
