"""marshmallow fields and a base schema that behave like Rocket.Chat's AJV validators.

AJV runs with `coerceTypes`: scalars are converted the way JavaScript converts them, and
only the first error is reported, in schema order: type, then required properties, then
additional properties, then each property in declaration order, items in index order.
"""

import math
import re
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.utils import missing

REQUIRED = "must have required property '{name}'"
ADDITIONAL = "must NOT have additional properties"
_REQUIRED_PREFIX = REQUIRED.partition("{")[0]

# JavaScript's StrWhiteSpaceChar: what Number(" 3 ") trims.
_JS_SPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(r"[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)\Z")
_RADIX = {"0x": 16, "0o": 8, "0b": 2}


def js_number_to_string(value):
    """Format a number as JavaScript's String(number) does (1.0 -> "1", 1e-7 -> "1e-7")."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digits))
    point = len(digits) + exponent  # position of the decimal point in the digit string
    prefix = "-" if sign else ""
    if 0 < point <= 21:
        whole, fraction = digits[:point].ljust(point, "0"), digits[point:]
        return prefix + whole + ("." + fraction if fraction else "")
    if -6 < point <= 0:
        return prefix + "0." + "0" * -point + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{prefix}{mantissa}e{'+' if point > 0 else '-'}{abs(point - 1)}"


def js_string_to_number(text):
    """Return Number(text) as JavaScript computes it, or None where that is NaN."""
    text = text.strip(_JS_SPACE)
    if not text:
        return 0
    radix = _RADIX.get(text[:2].lower())
    if radix:
        try:
            return int(text[2:], radix)
        except ValueError:
            return None
    if not _DECIMAL.match(text):
        return None
    number = float(text)
    return int(number) if number.is_integer() else number


class _AjvScalar(fields.Field):
    """A scalar field that coerces like AJV and rejects with AJV's message."""

    type_name = ""

    def __init__(self, *, nullable=False, **kwargs):
        super().__init__(allow_none=nullable, **kwargs)
        self.nullable = nullable
        self.error_messages["invalid"] = f"must be {self.type_name}"

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Coerce value, or raise AJV's `must be <type>`."""
        if value is missing:
            return super().deserialize(value, attr, data, **kwargs)
        if value is None and self.nullable:
            return None
        coerced = self.coerce(value)
        if coerced is not missing:
            return coerced
        # AJV's last resort for a nullable type: "", 0 and false become null.
        if self.nullable and (value == "" or value is False or value == 0):
            return None
        raise self.make_error("invalid")

    def coerce(self, value):
        """Return the coerced value, or `missing` when AJV would not convert it."""
        raise NotImplementedError


class String(_AjvScalar):
    """A string; numbers and booleans become their JavaScript text, null becomes ""."""

    type_name = "string"

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.error_messages["too_long"] = f"must NOT have more than {max_length} characters"

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Coerce value, then refuse it past max_length (AJV's maxLength wording)."""
        text = super().deserialize(value, attr, data, **kwargs)
        if self.max_length is not None and isinstance(text, str) and len(text) > self.max_length:
            raise self.make_error("too_long")
        return text

    def coerce(self, value):
        """Coerce to str."""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return js_number_to_string(value)
        return "" if value is None else missing


class Number(_AjvScalar):
    """A number; numeric strings and booleans become numbers, null becomes 0."""

    type_name = "number"

    def coerce(self, value):
        """Coerce to int or float."""
        if isinstance(value, bool) or value is None:
            return int(bool(value))
        if isinstance(value, int | float):
            return value
        if isinstance(value, str) and value:
            number = js_string_to_number(value)
            return missing if number is None else number
        return missing


class Boolean(_AjvScalar):
    """A boolean; "true"/"false", 1/0 and null convert, nothing else does."""

    type_name = "boolean"

    def coerce(self, value):
        """Coerce to bool."""
        if isinstance(value, bool):
            return value
        if value is None or value == "false" or (_is_number(value) and value == 0):
            return False
        if value == "true" or (_is_number(value) and value == 1):
            return True
        return missing


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


class Array(fields.List):
    """An array (never coerced from a scalar) of AJV-coerced items, at most max_items."""

    def __init__(self, inner, *, nullable=False, max_items=None, **kwargs):
        super().__init__(inner, allow_none=nullable, **kwargs)
        self.max_items = max_items
        self.error_messages.update(
            invalid="must be array",
            null="must be array",
            too_many=f"must NOT have more than {max_items} items",
        )

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Load the list; a nullable array takes "", 0 and false as null, as AJV does."""
        if self.allow_none and not isinstance(value, list | dict) and value in ("", 0):
            return None  # 0 == False, so false is covered
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if self.max_items is not None and isinstance(value, list) and len(value) > self.max_items:
            raise self.make_error("too_many")
        return super()._deserialize(value, attr, data, **kwargs)


class StringMap(fields.Field):
    """An object of strings (values coerced as String), bounded in size, whose names MongoDB
    can store: not empty, no `.`, not starting with `$`. Ours: AJV lets any object through."""

    def __init__(self, *, max_properties, max_name_length, max_length, **kwargs):
        super().__init__(**kwargs)
        self.max_properties, self.max_name_length = max_properties, max_name_length
        self.value = String(max_length=max_length)

    def _deserialize(self, value, attr, data, **kwargs):
        # Ours, so clearer than AJV's messages: each names the field (and the property).
        field = self.data_key or self.name
        if not isinstance(value, dict):
            raise ValidationError(f"{field} must be object")
        if len(value) > self.max_properties:
            raise ValidationError(
                f"{field} must NOT have more than {self.max_properties} properties"
            )
        return {name: self._value(field, name, item) for name, item in value.items()}

    def _value(self, field, name, item):
        if not name or "." in name or name.startswith("$"):
            raise ValidationError(
                f"{field} property names must not be empty, hold '.' or start with '$': {name!r}"
            )
        if len(name) > self.max_name_length:
            raise ValidationError(
                f"{field} property names must NOT have more than {self.max_name_length} characters"
            )
        try:
            return self.value.deserialize(item)
        except ValidationError as error:
            raise ValidationError(f"{field}/{name} {error.messages[0]}") from None


class Object(fields.Nested):
    """A nested object: anything else is `must be object`."""

    def __init__(self, schema, **kwargs):
        super().__init__(schema, **kwargs)
        self.error_messages.update(null="must be object", type="must be object")


class AjvSchema(Schema):
    """A schema whose errors read like AJV's and whose first error is AJV's first."""

    error_messages = {"type": "must be object", "unknown": ADDITIONAL}

    class Meta:
        unknown = RAISE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.required:
                field.error_messages["required"] = REQUIRED.format(name=field.data_key or name)

    def first_error(self, messages):
        """Return the message AJV would report first for marshmallow's error dict."""
        return _first(self, messages)


def _first(node, messages):
    # Walk marshmallow's error dict down the path AJV would have reported first.
    if isinstance(messages, list):
        return messages[0]
    if isinstance(node, fields.List):
        return _first(node.inner, messages[min(messages)])
    if isinstance(node, fields.Nested):
        node = node.schema
    order = list(node.fields)
    key = min(messages, key=lambda k: _rank(k, messages[k], order))
    return _first(node.fields.get(key), messages[key])


def _rank(key, value, order):
    if key == "_schema":
        return (0, 0)
    if key not in order:
        return (2, 0)
    required = isinstance(value, list) and str(value[0]).startswith(_REQUIRED_PREFIX)
    return (1 if required else 3, order.index(key))


def require_valid(schema, data):
    """Load data with schema, or raise ValueError carrying AJV's first message."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ValueError(schema.first_error(error.messages)) from None
