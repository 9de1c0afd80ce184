from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter a valid mainland China mobile number: 11 digits starting with 1."), code="mobile"
)
