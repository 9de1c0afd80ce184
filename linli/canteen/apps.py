from django.apps import AppConfig


class CanteenConfig(AppConfig):
    name = "linli.canteen"
    label = "canteen"

    def ready(self) -> None:
        from linli.facilities.mine import mine_list_register

        from .selectors import orders_of_user

        mine_list_register("orders", orders_of_user, limit=50)
