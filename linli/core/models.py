"""Tables shared by every domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleCounter(models.Model):
    """Attempts counted for one (scope, key): e.g. sign-ins for one mobile number or one client address.

    The key is stored as a keyed hash, so the table holds no mobile numbers or addresses. Changed only under a
    row lock (`linli.core.throttle`), so parallel requests cannot slip past the limit."""

    scope = models.CharField(_("scope"), max_length=40)
    key_hash = models.CharField(max_length=64)
    count = models.PositiveIntegerField(_("attempts"), default=0)
    window_started_at = models.DateTimeField(_("window started at"))
    blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("throttle counter")
        verbose_name_plural = _("throttle counters")
        constraints = [models.UniqueConstraint(fields=["scope", "key_hash"], name="uniq_throttle_scope_key")]
        indexes = [models.Index(fields=["window_started_at"], name="throttle_window_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]}… {self.count}"


class Progress(models.Model):
    """How far a job done in the background has come: `progress_done` of `progress_total` steps."""

    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
