from ninja import Router

from linli.accounts.api_auth import AUTH

router = Router(tags=["people"], auth=AUTH)
