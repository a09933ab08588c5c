"""One connection to the SMTP server (smtplib): SMTPS or STARTTLS as the settings say, and
every failure sorted into worth retrying, refused for good, or a server we cannot use."""

import functools
import smtplib
import socket
import ssl


class Refused(Exception):
    """The server did not take one mail: `temporary` (4xx, no connection) or for good (5xx)."""

    def __init__(self, reason, temporary):
        super().__init__(reason)
        self.reason, self.temporary = reason, temporary


class Unreachable(Refused):
    """No connection to the server (refused, unknown host, no answer, a 4xx greeting)."""

    def __init__(self, reason):
        super().__init__(reason, temporary=True)


class Unusable(Exception):
    """No mail can go through this server as configured (TLS, login, sender refused)."""


class Session:
    """A connection opened at the first mail and reopened after the server drops it."""

    def __init__(self, server, *, timeout, ca_file=None):
        self.server, self.timeout = server, timeout
        self.context = _tls_context(ca_file) if _uses_tls(server) else None
        self.smtp = None

    def send(self, sender, recipient, message):
        """Send one mail; raise Refused or Unusable with the server's words."""
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            self.smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _refused(code, text) from None
        except smtplib.SMTPSenderRefused as error:
            if error.smtp_code >= 500:
                words = _words(error.smtp_code, error.smtp_error)
                raise Unusable(
                    f"{self.server.where} refused the sender {sender}: {words}"
                ) from None
            raise _refused(error.smtp_code, error.smtp_error) from None
        except smtplib.SMTPResponseException as error:
            raise _refused(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise Refused(f"{self.server.where} dropped the connection ({error})", True) from None

    def close(self):
        """Say QUIT if the connection is still there; never raise."""
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _connect(self):
        where = self.server.where
        try:
            return self._greeted(self._opened())
        except ssl.SSLError as error:
            detail = getattr(error, "verify_message", None) or error.reason or error
            raise Unusable(f"TLS with {where} failed: {detail}") from None
        except smtplib.SMTPAuthenticationError as error:
            words = _words(error.smtp_code, error.smtp_error)
            raise Unusable(f"{where} refused the login of SMTP_Username: {words}") from None
        except smtplib.SMTPNotSupportedError:
            raise Unusable(f"{where} offers no login (AUTH) for SMTP_Username") from None
        except smtplib.SMTPResponseException as error:
            words = _words(error.smtp_code, error.smtp_error)
            if error.smtp_code >= 500:
                raise Unusable(f"{where} refused the connection: {words}") from None
            raise Unreachable(f"{where} refused the connection: {words}") from None
        except ConnectionRefusedError:
            raise Unreachable(f"{where} refused the connection") from None
        except socket.gaierror:
            raise Unreachable(f"{where}: the host name does not resolve") from None
        except TimeoutError:
            raise Unreachable(f"{where} did not answer within {self.timeout:g} s") from None
        except (smtplib.SMTPException, OSError) as error:
            raise Unreachable(f"cannot talk to {where}: {error}") from None

    def _opened(self):
        server = self.server
        if server.protocol == "smtps":
            return smtplib.SMTP_SSL(
                server.host, server.port, timeout=self.timeout, context=self.context
            )
        return smtplib.SMTP(server.host, server.port, timeout=self.timeout)

    def _greeted(self, smtp):
        # TLS and the login on a fresh connection, closed again if either fails.
        try:
            if self.server.protocol == "smtp":
                self._start_tls(smtp)
            if self.server.username:
                smtp.login(self.server.username, self.server.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _start_tls(self, smtp):
        # Like Rocket.Chat's mailer (nodemailer): STARTTLS whenever the server offers it,
        # unless SMTP_IgnoreTLS; a certificate that does not verify is refused.
        smtp.ehlo()
        if not self.server.ignore_tls and smtp.has_extn("starttls"):
            smtp.starttls(context=self.context)
            smtp.ehlo()
        elif self.server.require_tls:
            raise Unusable(f"{self.server.where} offers no STARTTLS, and MAIL_URL requires TLS")


def _uses_tls(server):
    return server.protocol == "smtps" or not server.ignore_tls


@functools.cache
def _tls_context(ca_file):
    # Made once per process: loading the system's certificates takes tens of milliseconds.
    return ssl.create_default_context(cafile=ca_file)


def _words(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()


def _refused(code, text):
    return Refused(_words(code, text), temporary=code < 500)
