"""Demo: family helpers (亲情账号). The volunteer login 陈志强 helps his mother 周丽君 (the resident login, 76),
confirmed in person by the social worker 李静; so 陈志强 can order her meals. Runs after the foundation step."""

from linli.core.demo import DemoContext

from .models import Resident
from .services import family_link_confirm_in_person, family_link_request


def build(ctx: DemoContext) -> None:
    son, mother_user, worker = ctx.users["volunteer"], ctx.users["resident"], ctx.users["social_worker"]
    mother = Resident.objects.get(user=mother_user)
    link = family_link_request(actor=son, elder=mother, relation="儿子")
    family_link_confirm_in_person(actor=worker, link=link)
    ctx.progress("  family helpers: 陈志强 helps 周丽君 (亲情账号)")
