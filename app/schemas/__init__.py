"""marshmallow schemas for every request and response body, named `...In`, `...Out` or `...Body`."""
