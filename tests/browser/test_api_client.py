"""The console's API client (api.js) in the page: how it reads an answer, fetch or upload."""

import json

# A rate-limited answer as the service gives it, with the seconds to wait.
TOO_MANY = {
    "status": 429,
    "headers": {"Retry-After": "7"},
    "content_type": "application/json",
    "body": json.dumps(
        {
            "success": False,
            "error": "Too many requests [error-too-many-requests]",
            "errorType": "error-too-many-requests",
        }
    ),
}
# Both ways the client sends, each turned into the fields of its ApiError.
FAIL_BOTH_WAYS = """async () => {
  const { Api } = await import("/admin/import/static/api.js");
  const api = new Api(() => null);
  const failure = async (answer) => {
    try {
      await answer;
      return null;
    } catch (e) {
      const { status, message, errorType, retryAfter } = e;
      return { status, message, errorType, retryAfter };
    }
  };
  const call = await failure(api.get("me"));
  return [call, await failure(api.upload("uploadImportFile", new FormData(), () => {}))];
}"""


def test_an_upload_refused_with_429_says_when_to_come_back_as_a_call_does(page):
    page.goto("/admin/import")
    for route in ("me", "uploadImportFile"):
        page.route(f"**/api/v1/{route}", lambda r: r.fulfill(**TOO_MANY))
    call, upload = page.evaluate(FAIL_BOTH_WAYS)
    assert call == {
        "status": 429,
        "message": "Too many requests",  # the code apart, in errorType
        "errorType": "error-too-many-requests",
        "retryAfter": 7,
    }
    assert upload == call
