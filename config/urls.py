from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from linli.core.health import healthz

from .api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz/", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("linli.accounts.urls")),
    path("people/", include("linli.people.urls")),
    path("places/", include("linli.places.urls")),
    path("consultation/", include("linli.consultation.urls")),
    path("mediation/", include("linli.mediation.urls")),
    path("care/", include("linli.care.urls")),
    path("waste/", include("linli.waste.urls")),
    path("ledger/", include("linli.ledger.urls")),
    path("payments/", include("linli.payments.urls")),
    path("services/", include("linli.facilities.urls")),
    path("canteen/", include("linli.canteen.urls")),
    path("courses/", include("linli.courses.urls")),
    path("childcare/", include("linli.childcare.urls")),
    path("planning/", include("linli.planning.urls")),
    path("reports/", include("linli.reports.urls")),
    path("open311/v2/", include("linli.reports.open311.urls")),
    path("cockpit/", include("linli.cockpit.urls")),
    path("volunteer/", include("linli.volunteering.urls")),
    path("fund/", include("linli.fund.urls")),
    path("company/", include("linli.company.urls")),
    path("partners/", include("linli.partners.urls")),
    path("notices/", include("linli.notices.urls")),
    path("surveys/", include("linli.surveys.urls")),
    path("", include("linli.home.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
