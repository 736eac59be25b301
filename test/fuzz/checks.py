"""Checks of Guardian's own conventions, which schemathesis runs beside its built-in ones."""

import schemathesis


@schemathesis.check
def problem_json(ctx, response, case):
    """Every error answer is RFC 9457 problem details: application/problem+json with a status."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered as {content_type or 'no content type'}")
    body = response.json()
    if not isinstance(body, dict) or body.get("status") != response.status_code or not body.get("title"):
        raise AssertionError(f"{response.status_code} answered with a problem lacking its status or title")
    return None
