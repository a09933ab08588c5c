"""How invitations are sent: the mail server's override, the rate, the retries."""

from dataclasses import dataclass
from datetime import timedelta

from app.config import defaults

BATCH_SIZE = 100  # mails per chunk at most (one bulk write each for tokens, states)
SLICE_SECONDS = 5.0  # a run sends chunks for about this long at most: then imports' turn


@dataclass(frozen=True)
class InviteSettings:
    """How invitations are sent; the values (and defaults) come from app/config.py."""

    mail_url: str | None
    ca_file: str | None
    per_minute: float
    max_attempts: int
    retry_seconds: float
    timeout: float

    @classmethod
    def from_config(cls, config):
        """Return the settings of the service's settings (MAIL_*, INVITE_*, SMTP_*)."""
        return cls(
            mail_url=config["MAIL_URL"],
            ca_file=config["MAIL_CA_FILE"],
            per_minute=config["INVITE_MAILS_PER_MINUTE"],
            max_attempts=config["INVITE_MAX_ATTEMPTS"],
            retry_seconds=config["INVITE_RETRY_SECONDS"],
            timeout=config["SMTP_TIMEOUT_SECONDS"],
        )

    @classmethod
    def default(cls):
        """Return the settings at their defaults."""
        return cls.from_config(defaults())

    @property
    def interval(self):
        """Return the seconds between two mails."""
        return 60.0 / self.per_minute

    @property
    def batch_size(self):
        """Return how many mails one chunk holds: BATCH_SIZE, fewer at a slow rate."""
        return max(1, min(BATCH_SIZE, int(SLICE_SECONDS / self.interval)))

    def backoff(self, attempts):
        """Return how long to wait after the `attempts`th temporary failure (doubling)."""
        return timedelta(seconds=self.retry_seconds * 2 ** (attempts - 1))
