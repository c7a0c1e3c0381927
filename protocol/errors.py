"""Protocol errors and the one place that turns exceptions into answers."""

import logging

from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError

from ..executors import ToolError

_logger = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
HEADER_MISMATCH = -32020
MISSING_CLIENT_CAPABILITY = -32021
UNSUPPORTED_PROTOCOL_VERSION = -32022
RESOURCE_NOT_FOUND = -32002
# Implementation-defined (JSON-RPC's -32000..-32099): a request refused before it
# ran, such as a rate limit reached by a resources/read.
REQUEST_REFUSED = -32000


class McpProtocolError(Exception):
    """A JSON-RPC error answer, with the HTTP status it travels with."""

    def __init__(self, code, message, data=None, http_status=200):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data
        self.http_status = http_status

    def to_error(self):
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def tool_failure_message(exception):
    """The message a model reads when a tool fails, or None for a server fault.

    Access, missing records and user/validation errors are the caller's to fix
    and their Odoo message is meant for users. Anything else is a fault of the
    server: the caller gets a neutral message and the log gets the traceback.
    """
    if isinstance(exception, ToolError):
        return str(exception)
    if isinstance(exception, (AccessError, AccessDenied)):
        return f"Access denied: {exception.args[0] if exception.args else exception}"
    if isinstance(exception, MissingError):
        return f"Record not found: {exception.args[0] if exception.args else exception}"
    if isinstance(exception, UserError):  # ValidationError is a UserError
        return f"Odoo refused the operation: {exception.args[0] if exception.args else exception}"
    return None
