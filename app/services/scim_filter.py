"""SCIM filters (RFC 7644 §3.4.2.2) as identity providers send them, parsed into a small tree;
only whitelisted attributes and operators, and never a query built from the text.

Supported: `eq` on `id`, `userName` (ignoring case), `externalId`, `active`, `emails` /
`emails.value` / `emails[type eq "work"].value` (ignoring case), joined with `and` / `or`
and grouped with parentheses. The tree: `("eq", attribute, value)`, `("and", [trees])`,
`("or", [trees])`.
"""

import json
import re

MAX_LENGTH = 1000
MAX_TERMS = 20
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:user:"
ATTRIBUTES = {"id": "id", "username": "userName", "externalid": "externalId", "active": "active"}
EMAIL_PATHS = ("emails", "emails.value")
EMAIL_TYPES = ("work",)  # every address is shown as a work address
OPERATORS = ("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr")
_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[()\[\]])|(?P<word>[^\s()\[\]"]+))'
)


class FilterError(ValueError):
    """A filter that is malformed or asks for what is not supported; says which."""


def parse(text):
    """Return the tree of a filter; raise FilterError saying what is wrong."""
    if len(text) > MAX_LENGTH:
        raise FilterError(f"the filter is longer than {MAX_LENGTH} characters")
    parser = _Parser(_tokens(text))
    tree = parser.disjunction()
    if parser.peek() is not None:
        raise FilterError(f"unexpected {parser.peek()[1]!r} in the filter")
    return tree


def _tokens(text):
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FilterError(f"cannot read the filter at character {position + 1}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over the tokens: or of ands of comparisons or groups."""

    def __init__(self, tokens):
        self.tokens, self.index, self.terms = tokens, 0, 0

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self):
        token = self.peek()
        if token is None:
            raise FilterError("the filter ends too early")
        self.index += 1
        return token

    def keyword(self, word):
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() == word:
            self.index += 1
            return True
        return False

    def disjunction(self):
        items = [self.conjunction()]
        while self.keyword("or"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else ("or", items)

    def conjunction(self):
        items = [self.factor()]
        while self.keyword("and"):
            items.append(self.factor())
        return items[0] if len(items) == 1 else ("and", items)

    def factor(self):
        if self.peek() == ("punct", "("):
            self.take()
            tree = self.disjunction()
            if self.peek() != ("punct", ")"):
                raise FilterError("a '(' of the filter is not closed")
            self.take()
            return tree
        if self.keyword("not"):
            raise FilterError("'not' is not supported: use eq, and, or")
        return self.comparison()

    def comparison(self):
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise FilterError(f"the filter has more than {MAX_TERMS} comparisons")
        attribute = self.attribute()
        kind, operator = self.take()
        if kind != "word" or operator.lower() not in OPERATORS:
            raise FilterError(f"{operator!r} is not a filter operator")
        if operator.lower() != "eq":
            raise FilterError(f"the operator {operator.lower()!r} is not supported: use eq")
        return ("eq", attribute, _value(attribute, self.take()))

    def attribute(self):
        kind, word = self.take()
        if kind != "word":
            raise FilterError(f"expected an attribute, found {word!r}")
        name = word.lower().removeprefix(USER_SCHEMA)
        if name == "emails" and self.peek() == ("punct", "["):
            return self.email_path()
        if name in EMAIL_PATHS:
            return "emails"
        if name in ATTRIBUTES:
            return ATTRIBUTES[name]
        raise FilterError(
            f"cannot filter on {word!r}: only id, userName, externalId, active and emails"
        )

    def email_path(self):
        self.take()  # [
        inner = [self.take() for _ in range(3)]
        if self.take() != ("punct", "]"):
            raise FilterError('emails[...] takes one comparison: emails[type eq "work"]')
        path, operator, value = inner
        if (path[1].lower(), operator[1].lower()) != ("type", "eq") or value[0] != "string":
            raise FilterError('emails[...] takes type eq "work" only')
        follows = self.peek()
        if follows and follows[0] == "word" and follows[1].lower() == ".value":
            self.take()
        elif follows and follows[0] == "word" and follows[1].startswith("."):
            raise FilterError(f"cannot filter on emails[...]{follows[1]}: only .value")
        kind = _string(value[1]).lower()
        return "emails" if kind in EMAIL_TYPES else "emails:none"


def _value(attribute, token):
    kind, text = token
    if kind == "string":
        value = _string(text)
    elif kind == "word" and text.lower() in ("true", "false"):
        value = text.lower() == "true"
    else:
        raise FilterError(f"{text!r} is not a filter value: a quoted string, true or false")
    if attribute == "active":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"  # Entra writes booleans as strings elsewhere
        if not isinstance(value, bool):
            raise FilterError("active is compared with true or false")
    elif not isinstance(value, str):
        raise FilterError(f"{attribute} is compared with a quoted string")
    return value


def _string(text):
    try:
        return json.loads(text)
    except ValueError:
        raise FilterError(f"{text} is not a valid quoted string") from None
