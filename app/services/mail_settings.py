"""Where and how invitations are mailed: Rocket.Chat's own settings in `rocketchat_settings`,
or the service's MAIL_URL, which overrides the SMTP server as Rocket.Chat's MAIL_URL does."""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from app.models import settings

# Rocket.Chat's package values, for a database that lacks a setting.
DEFAULT_SUBJECT = "{Forgot_Password_Email_Subject}"
DEFAULT_BODY = (
    '<h2>{Forgot_password}</h2><p>{Lets_get_you_new_one_}</p><a class="btn" '
    'href="[Forgot_Password_Url]">{Reset}</a><p class="advice">'
    "{If_you_didnt_ask_for_reset_ignore_this_email}</p>"
)
SETTING_IDS = (
    "SMTP_Protocol",
    "SMTP_Host",
    "SMTP_Port",
    "SMTP_IgnoreTLS",
    "SMTP_Username",
    "SMTP_Password",
    "From_Email",
    "Site_Url",
    "Site_Name",
    "Forgot_Password_Email_Subject",
    "Forgot_Password_Email",
    "Email_Header",
    "Email_Footer",
)
# nodemailer's ports when none is given (Meteor's Email package sends through it).
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
_LEADING_DIGITS = re.compile(r"\s*(\d+)")


class MailConfigError(Exception):
    """No mail can be sent with these settings; the message says which one to fix."""


@dataclass(frozen=True)
class SmtpServer:
    """How to reach the SMTP server; the password never shows in a repr or a reason."""

    protocol: str
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    ignore_tls: bool = False
    require_tls: bool = False

    @property
    def where(self):
        """Return `smtp://host:port`, what a failure names (never the credentials)."""
        return f"{self.protocol}://{self.host}:{self.port}"


@dataclass(frozen=True)
class MailSettings:
    """Everything an invitation mail is made of, read once per batch."""

    server: SmtpServer
    from_email: str
    site_url: str
    site_name: str
    subject: str
    body: str
    header: str
    footer: str


def load(db, mail_url=None):
    """Return the MailSettings of Rocket.Chat's settings (MAIL_URL's server, when given), or
    raise MailConfigError naming what is missing or wrong."""
    values = settings.values_of(db, SETTING_IDS)
    server = parse_mail_url(mail_url) if mail_url else _server_of(values)
    from_email = str(values.get("From_Email") or "").strip()
    if "@" not in from_email:
        raise MailConfigError(
            "From_Email (Administration > Email > SMTP) is not an e-mail address: the mail "
            "would have no sender"
        )
    site_url = str(values.get("Site_Url") or "").strip()
    if not site_url.startswith(("http://", "https://")):
        raise MailConfigError(
            "Site_Url (Administration > General) is not an http(s) address: the link would "
            "lead nowhere"
        )
    return MailSettings(
        server=server,
        from_email=from_email,
        site_url=site_url,
        site_name=str(values.get("Site_Name") or "Rocket.Chat"),
        subject=str(values.get("Forgot_Password_Email_Subject") or DEFAULT_SUBJECT),
        body=str(values.get("Forgot_Password_Email") or DEFAULT_BODY),
        header=str(values.get("Email_Header") or ""),
        footer=str(values.get("Email_Footer") or ""),
    )


def _server_of(values):
    host = str(values.get("SMTP_Host") or "").strip()
    if not host:
        raise MailConfigError(
            "no SMTP server: SMTP_Host (Administration > Email > SMTP) is empty and MAIL_URL "
            "is not set"
        )
    protocol = values.get("SMTP_Protocol") or "smtp"
    if protocol not in DEFAULT_PORTS:
        raise MailConfigError("SMTP_Protocol must be smtp or smtps")
    username, password = values.get("SMTP_Username") or "", values.get("SMTP_Password") or ""
    return SmtpServer(
        protocol=protocol,
        host=host,
        port=_port(values.get("SMTP_Port"), protocol),
        # As Rocket.Chat builds its MAIL_URL: credentials only as a pair, IgnoreTLS for smtp.
        username=str(username) if username and password else "",
        password=str(password) if username and password else "",
        ignore_tls=protocol == "smtp" and values.get("SMTP_IgnoreTLS", True) is True,
    )


def _port(value, protocol):
    # Rocket.Chat stores the port as a string and reads it with parseInt.
    if value in (None, ""):
        return DEFAULT_PORTS[protocol]
    match = _LEADING_DIGITS.match(str(value))
    if not match or not 0 < int(match.group(1)) < 65536:
        raise MailConfigError("SMTP_Port is not a port number")
    return int(match.group(1))


def parse_mail_url(url):
    """Return the SmtpServer of a MAIL_URL (`smtp[s]://user:password@host:port?ignoreTLS=true`);
    a refusal never repeats the URL, which may hold a password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS:
        raise MailConfigError("MAIL_URL must start with smtp:// or smtps://")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise MailConfigError("MAIL_URL has a port that is not a number") from None
    if not parts.hostname:
        raise MailConfigError("MAIL_URL names no host")
    query = {key.lower(): values[-1].lower() for key, values in parse_qs(parts.query).items()}
    return SmtpServer(
        protocol=parts.scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        ignore_tls=query.get("ignoretls") == "true",
        require_tls=query.get("requiretls") == "true",
    )
