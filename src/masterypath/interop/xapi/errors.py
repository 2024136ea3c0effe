from __future__ import annotations

import enum

from masterypath.common.errors import ApplicationError


class XapiErrorCode(enum.Enum):
    INVALID = "invalid"  # 400: the statement breaks an xAPI 1.0.3 rule
    CONFLICT = "conflict"  # 409: same id, different statement
    NOT_FOUND = "not_found"  # 404
    VERSION = "version"  # 400: missing or unsupported X-Experience-API-Version
    MAPPING = "mapping"  # the admin's manual mapping was refused
    TOO_LARGE = "too_large"  # 413: the body is over the documented limit
    METHOD = "method"  # 405: the resource does not take this method
    PRECONDITION = "precondition"  # 412: If-Match / If-None-Match did not hold


class XapiError(ApplicationError):
    """An xAPI request was refused; `code` says which status it answers with."""

    STATUS = {
        XapiErrorCode.INVALID: 400,
        XapiErrorCode.CONFLICT: 409,
        XapiErrorCode.NOT_FOUND: 404,
        XapiErrorCode.VERSION: 400,
        XapiErrorCode.MAPPING: 400,
        XapiErrorCode.TOO_LARGE: 413,
        XapiErrorCode.METHOD: 405,
        XapiErrorCode.PRECONDITION: 412,
    }

    @property
    def status(self) -> int:
        return self.STATUS[self.code]  # type: ignore[index]


def invalid(path: str, problem: str) -> XapiError:
    """A 400 naming the JSON path of the offending property, e.g. `statements[3].result.score`."""
    return XapiError(XapiErrorCode.INVALID, f"{path}: {problem}", path=path)
