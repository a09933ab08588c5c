"""The invitation mail as Rocket.Chat writes its forgot-password mail: its template with the
header and footer around it, its placeholders filled in, and a plain-text part besides."""

import base64
import html
import re
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid
from html.parser import HTMLParser

# The English texts of the translation keys Rocket.Chat's default template and subject use;
# an unknown key stays as it is, as Rocket.Chat's translator leaves it.
ENGLISH = {
    "Forgot_Password_Email_Subject": "[Site_Name] - Password Recovery",
    "Forgot_password": "Forgot your password?",
    "Lets_get_you_new_one": "Let's get you a new one!",
    "Lets_get_you_new_one_": "Let's get you a new one!",
    "Reset": "Reset",
    "If_you_didnt_ask_for_reset_ignore_this_email": (
        "If you didn't ask for your password reset, you can ignore this email."
    ),
}
_TRANSLATION = re.compile(r"\{ *([^{} ]+)[^{}]*\}")
_BLOCKS = {"p", "div", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table"}
_HIDDEN = {"head", "style", "script", "title"}


def translate(text):
    """Replace `{Key}` by its English text, as Rocket.Chat's mailer does before anything."""
    return _TRANSLATION.sub(lambda match: ENGLISH.get(match.group(1), match.group(1)), text)


def replace_key(text, key, value):
    """Fill `[key]` and `__key__` in, ignoring case, as Rocket.Chat's Mailer.replacekey."""
    pattern = re.compile(rf"(\[{re.escape(key)}\]|__{re.escape(key)}__)", re.IGNORECASE)
    return pattern.sub(lambda _: value or "", text)


def fill(text, values, translated=False):
    """Translate (unless done already), then fill every `[key]` of values in."""
    text = text if translated else translate(text)
    for key, value in values.items():
        text = replace_key(text, key, value)
    return text


class Template:
    """A site's invitation mail, rendered once per batch and filled in for each person."""

    def __init__(self, mail):
        site = {
            "Site_Name": mail.site_name,
            "Site_URL": mail.site_url,
            "Site_URL_Slash": mail.site_url.rstrip("/") + "/",
        }
        escaped = {key: html.escape(value) for key, value in site.items()}
        header, footer = fill(mail.header, site), fill(mail.footer, site)
        self.html = fill(f"{header} {mail.body} {footer}", escaped)
        self.text = text_of(self.html)  # once: a person's text differs by name and link only
        self.subject = fill(mail.subject, site)
        self.sender = formataddr((mail.site_name, _address(mail.from_email)))
        self.from_email = mail.from_email
        self.domain = mail.from_email.rpartition("@")[2]

    def message(self, name, email, url):
        """Return the mail to one person as bytes ready for SMTP; ValueError if it cannot be."""
        name = " ".join((name or "").split())  # a header holds no line break
        person = _names(name)
        body = fill(self.html, {k: html.escape(v) for k, v in person.items()}, translated=True)
        body = replace_key(body, "Forgot_Password_Url", html.escape(url))
        text = replace_key(fill(self.text, person, translated=True), "Forgot_Password_Url", url)
        subject = " ".join(fill(self.subject, person, translated=True).split())
        headers = (
            ("From", self.sender),
            ("To", formataddr((name, _address(email))) if name else _address(email)),
            ("Subject", subject if subject.isascii() else Header(subject, "utf-8").encode()),
            ("Date", formatdate(usegmt=True)),
            ("Message-ID", make_msgid(domain=self.domain)),
        )
        return mime(headers, text, body)


def mime(headers, text, markup):
    """Return a multipart/alternative mail, a text and an HTML part in base64, CRLF-ended.

    Written out rather than built with the email package, which took longer than the SMTP
    server to take the mail; a header or an address it cannot write raises ValueError.
    """
    boundary = f"=_{secrets.token_hex(16)}"
    lines = [f"{name}: {value}" for name, value in headers]
    lines += [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
    ]
    for subtype, content in (("plain", text), ("html", markup)):
        encoded = base64.encodebytes(content.encode("utf-8")).decode("ascii")
        lines += [
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            encoded.rstrip("\n").replace("\n", "\r\n"),
        ]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii")


def _address(email):
    # A header holds no line break: an address with one cannot be mailed.
    if "\r" in email or "\n" in email:
        raise ValueError("a line break in an e-mail address")
    return email


def _names(name):
    # Rocket.Chat's fname and lname: before the first space, after the last one.
    if not name:
        return {"name": ""}
    return {"name": name, "fname": name.split(" ")[0], "lname": name.rsplit(" ", 1)[-1]}


def text_of(markup):
    """Return the plain text of an HTML part, each link's address after its words."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n\n".join(line for line in lines if line) + "\n"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden, self.links = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.links and (href := self.links.pop()):
            self.parts.append(f": {href}")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)
