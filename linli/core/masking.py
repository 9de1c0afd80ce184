"""How a mobile number is shown to someone who may not see it in full: 139****0005.

A mobile number carries no birth date or region, so its first 3 digits (the carrier's prefix) may stay; an ID
number is masked harder (`linli.people.idnumber.mask`, docs/privacy.md)."""


def mask_mobile(mobile: str) -> str:
    if len(mobile) <= 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"
