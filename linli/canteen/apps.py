from django.apps import AppConfig


class CanteenConfig(AppConfig):
    name = "linli.canteen"
    label = "canteen"

    def ready(self) -> None:
        from linli.facilities.mine import mine_list_register
        from linli.payments.purposes import register
        from linli.people.moving import move_out_hook_register

        from .fees import HANDLER
        from .selectors import orders_listed
        from .services import meal_orders_cancel_at_move_out

        mine_list_register(
            "orders", orders_listed, limit=50, actor="ordered_by", links={"cancel_url": "canteen:order_cancel"}
        )
        move_out_hook_register("canteen", meal_orders_cancel_at_move_out)
        register(HANDLER)
