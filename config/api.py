"""The one API: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

from linli.accounts.api import router as accounts_router
from linli.canteen.api import router as canteen_router
from linli.care.api import router as care_router
from linli.childcare.api import router as childcare_router
from linli.cockpit.api import router as cockpit_router
from linli.company.api import router as company_router
from linli.consultation.api import router as consultation_router
from linli.core.api import install_error_handlers
from linli.courses.api import router as courses_router
from linli.facilities.api import router as facilities_router
from linli.fund.api import router as fund_router
from linli.home.api import router as home_router
from linli.ledger.api import router as ledger_router
from linli.mediation.api import router as mediation_router
from linli.notices.api import router as notices_router
from linli.partners.api import router as partners_router
from linli.payments.api import router as payments_router
from linli.people.access import api_refusal
from linli.people.api import router as people_router
from linli.places.api import router as places_router
from linli.planning.api import router as planning_router
from linli.reports.api import router as reports_router
from linli.surveys.api import router as surveys_router
from linli.volunteering.api import router as volunteering_router
from linli.waste.api import router as waste_router

api = NinjaAPI(
    title="Linli 邻里 API",
    version="1",
    description="Future Community platform. Errors always answer "
    '`{"error": {"code", "message", "fields"}}` in the language of the request (Accept-Language).',
    urls_namespace="api",
)
install_error_handlers(api, refine=api_refusal)

api.add_router("", accounts_router)
api.add_router("", places_router)
api.add_router("", people_router)
api.add_router("", consultation_router)
api.add_router("", mediation_router)
api.add_router("", care_router)
api.add_router("", waste_router)
api.add_router("", facilities_router)
api.add_router("", canteen_router)
api.add_router("", courses_router)
api.add_router("", childcare_router)
api.add_router("", planning_router)
api.add_router("", cockpit_router)
api.add_router("", ledger_router)
api.add_router("", payments_router)
api.add_router("", volunteering_router)
api.add_router("", fund_router)
api.add_router("", company_router)
api.add_router("", partners_router)
api.add_router("", home_router)
api.add_router("", notices_router)
api.add_router("", reports_router)
api.add_router("", surveys_router)
