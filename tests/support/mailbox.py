"""A real SMTP server on loopback (aiosmtpd) that keeps the mail it takes, or refuses it as
told; Rocket.Chat's mail settings pointing at it; and Meteor's resetPassword rule."""

import asyncio
import email
import re
import ssl
import subprocess
from datetime import timedelta
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.support.factories import now
from tests.support.wire import free_port

SITE_URL = "https://chat.example.com"
LINK = re.compile(re.escape(SITE_URL) + r"/reset-password/([A-Za-z0-9_-]+)")
USERNAME, PASSWORD = "mailer", "s3cret-smtp-pw"


class _Handler:
    def __init__(self, mailbox):
        self.mailbox = mailbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.mailbox.answer_to(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.mailbox.messages.append(
            email.message_from_bytes(envelope.content, policy=default_policy)
        )
        self.mailbox.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class Mailbox:
    """An SMTP server: `plain`, `starttls` (required) or `smtps`, with or without a login."""

    def __init__(self, mode="plain", certificate=None, login=False):
        self.messages, self.envelopes, self.refusals = [], [], {}
        self.port = free_port()
        context = None
        if mode != "plain":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*certificate)
        server = {"auth_require_tls": False}
        if mode == "starttls":
            server.update(tls_context=context, require_starttls=True)
        if login:
            server["authenticator"] = _authenticate
        self.loop = asyncio.new_event_loop()  # ours, to close: aiosmtpd leaves its own open
        self.controller = Controller(
            _Handler(self),
            loop=self.loop,
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=context if mode == "smtps" else None,
            **server,
        )
        self.controller.start()

    def refuse(self, address, answer):
        """Answer RCPT TO of `address` (or "*": everyone) with `answer`, e.g. `550 No such user`."""
        self.refusals[address] = answer

    def answer_to(self, address):
        """Return the refusal set for this address, or None."""
        return self.refusals.get(address) or self.refusals.get("*")

    def close(self):
        """Stop the server (again: harmless)."""
        if not self.loop.is_closed():
            self.controller.stop()
            self.loop.close()


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # unhandled: aiosmtpd answers 535


def make_certificate(folder):
    """Write a self-signed certificate for 127.0.0.1 and localhost; return (cert, key) paths."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def insert_mail_settings(db, port, **values):
    """Write Rocket.Chat's mail settings as a server pointing at this port keeps them."""
    settings = {
        "SMTP_Protocol": "smtp",
        "SMTP_Host": "127.0.0.1",
        "SMTP_Port": str(port),
        "SMTP_IgnoreTLS": True,
        "SMTP_Username": "",
        "SMTP_Password": "",
        "From_Email": "noreply@chat.example.com",
        "Site_Url": SITE_URL,
        "Site_Name": "Example Chat",
        **values,
    }
    for setting_id, value in settings.items():
        db.rocketchat_settings.replace_one(
            {"_id": setting_id},
            {"_id": setting_id, "value": value, "_updatedAt": now()},
            upsert=True,
        )


def token_of(message):
    """Return the token of the link in a mail's HTML part (the text part must agree)."""
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    token = LINK.search(html).group(1)
    assert LINK.search(text).group(1) == token
    return token


def reset_password(db, token, at=None):
    """Apply Meteor's resetPassword acceptance rule at `at`: return the user id it would set
    a password for, or its refusal (`Token expired`, `Token has invalid email address`)."""
    at = at or now()
    for kind, lifetime in (("reset", timedelta(days=3)), ("enroll", timedelta(days=30))):
        user = db.users.find_one({f"services.password.{kind}.token": token})
        if user is not None:
            record = user["services"]["password"][kind]
            if at - record["when"] > lifetime:
                return "Token expired"
            if record["email"] not in [e["address"] for e in user.get("emails") or []]:
                return "Token has invalid email address"
            return user["_id"]
    return "Token expired"
