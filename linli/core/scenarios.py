"""The nine scenarios (九场景): the one taxonomy every service, facility, activity and indicator is filed under."""

from django.db import models
from django.utils.translation import pgettext_lazy


class Scenario(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", pgettext_lazy("scenario", "Neighbourhood")
    EDUCATION = "education", pgettext_lazy("scenario", "Education")
    HEALTH = "health", pgettext_lazy("scenario", "Health")
    ENTERPRISE = "enterprise", pgettext_lazy("scenario", "Enterprise")
    ARCHITECTURE = "architecture", pgettext_lazy("scenario", "Architecture")
    TRANSPORT = "transport", pgettext_lazy("scenario", "Transport")
    LOW_CARBON = "low_carbon", pgettext_lazy("scenario", "Low carbon")
    SERVICES = "services", pgettext_lazy("scenario", "Services")
    GOVERNANCE = "governance", pgettext_lazy("scenario", "Governance")
