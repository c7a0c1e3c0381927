"""Method handlers for resources, prompts, completion and logging.

Mixed into the dispatcher; each handler takes ``(version, params)`` and returns
the result dict (the dispatcher adds what the stateless era requires).
"""

import base64
import json
import time

from ..executors import InputRequired, MissingClientCapability
from . import versions
from .errors import (
    INVALID_PARAMS,
    MISSING_CLIENT_CAPABILITY,
    REQUEST_REFUSED,
    RESOURCE_NOT_FOUND,
    McpProtocolError,
)
from .interaction import build_context, input_required_result
from .prompts import PromptError, available_prompts
from .tool_calls import ToolCallRunner
from .tool_policy import CallRefused, check_call, visible_tools
from .resources import ResourceNotFound, active_providers

LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
DEFAULT_PAGE_SIZE = 50
COMPLETION_VALUES_CAP = 100


class FeatureMethods:
    """Resources, prompts, completion and logging for ``self.env``'s user."""

    # -- pagination -------------------------------------------------------

    def _page(self, items, params, kind):
        """One page of ``items`` and the cursor of the next, if any.

        The cursor is opaque to clients; it names the list it belongs to, so a
        cursor from another list, or any made-up value, is invalid params.
        """
        offset = 0
        cursor = params.get("cursor")
        if cursor is not None:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
                if decoded["k"] != kind or not isinstance(decoded["o"], int) or decoded["o"] < 0:
                    raise ValueError(cursor)
                offset = decoded["o"]
            except (ValueError, KeyError, TypeError, UnicodeError):
                raise McpProtocolError(
                    INVALID_PARAMS, "Invalid params: unknown or malformed cursor.",
                    http_status=self._client_error_status()) from None
        size = self._page_size()
        page = items[offset:offset + size]
        next_cursor = None
        if offset + size < len(items):
            next_cursor = base64.urlsafe_b64encode(
                json.dumps({"k": kind, "o": offset + size}).encode()).decode()
        return page, next_cursor

    def _page_size(self):
        # sudo: reads this addon's own setting, which plain users cannot read
        value = self.env["ir.config_parameter"].sudo().get_param("mcp_gateway.list_page_size")
        try:
            return max(1, int(value)) if value else DEFAULT_PAGE_SIZE
        except ValueError:
            return DEFAULT_PAGE_SIZE

    def _client_error_status(self):
        """Invalid params travel with 400 in the stateless era, 200 before."""
        return 400 if self.stateless else 200

    def _paged_result(self, key, items, params):
        page, next_cursor = self._page(items, params, key)
        result = {key: page}
        if next_cursor:
            result["nextCursor"] = next_cursor
        return result

    # -- resources --------------------------------------------------------

    def _providers(self):
        """The resource providers of this database that the caller may use, each
        with the tool that governs it (None for a provider that needs none).

        Record resources (``odoo://``) are a way of calling ``read_records``:
        they are offered only to callers who may call a ``read_records`` tool
        that is not narrowed to some models (by their groups, and by a key's
        allowlist), and a read goes through that tool's field policy, its rate
        limits and the audit log. Archiving the tool, or leaving it out of a
        key, turns them off too.
        """
        governing = {}
        providers = []
        for provider in active_providers(self.env):
            needed = getattr(provider, "requires_tool_kind", None)
            tool = None
            if needed:
                if needed not in governing:
                    governing[needed] = self._governing_tool(needed)
                tool = governing[needed]
                if not tool:
                    continue
            providers.append((provider, tool))
        return providers

    def _governing_tool(self, kind):
        """The first tool of ``kind`` the caller may call on any model, or an
        empty recordset."""
        tools = visible_tools(
            self.credential, self.env["mcp.tool"]._get_callable_tools([("kind", "=", kind)]))
        return tools.filtered(
            lambda tool: not tool.model_name and not tool._allowed_model_names())[:1]

    def _handle_resources_list(self, version, params):
        resources = [r for provider, _tool in self._providers()
                     for r in provider.list_resources(self.env)]
        return self._paged_result("resources", resources, params)

    def _handle_resource_templates_list(self, version, params):
        templates = [t for provider, _tool in self._providers()
                     for t in provider.list_templates(self.env)]
        return self._paged_result("resourceTemplates", templates, params)

    def _handle_resources_read(self, version, params):
        uri = params["uri"]
        for provider, tool in self._providers():
            if tool:
                if provider.handles(uri):
                    return self._read_governed_resource(version, provider, tool, uri)
                continue
            try:
                contents = provider.read(self.env, uri)
            except ResourceNotFound as error:
                raise self._resource_not_found(uri, str(error)) from None
            if contents is not None:
                return {"contents": contents}
        raise self._resource_not_found(uri, f"No resource at {uri}.")

    def _read_governed_resource(self, version, provider, tool, uri):
        """Read ``uri`` as a call of ``tool``: rate limits first, the tool's
        field policy while reading, and one audit record whatever happens."""
        started = time.monotonic()
        recorder = ToolCallRunner(self.env, version, remote_addr=self.remote_addr,
                                  client_name=self.session.client_name or self.client_name,
                                  credential=self.credential)

        def record(outcome, message=None):
            recorder._record(tool.name, tool, {"uri": uri}, outcome, message, started,
                             method="resources/read")

        try:
            check_call(self.env, self.credential, tool)
        except CallRefused as refused:
            record("tool_error", str(refused))
            raise McpProtocolError(REQUEST_REFUSED, str(refused), data={"uri": uri},
                                   http_status=429 if self.stateless else 200) from None
        try:
            contents = provider.read(self.env, uri, tool=tool)
        except ResourceNotFound as error:
            record("protocol_error", str(error))
            raise self._resource_not_found(uri, str(error)) from None
        record("success")
        return {"contents": contents}

    def _resource_not_found(self, uri, message):
        # 2026-07-28 reports a missing resource as invalid params; earlier
        # revisions use the dedicated -32002.
        code = INVALID_PARAMS if self.stateless else RESOURCE_NOT_FOUND
        return McpProtocolError(code, message, data={"uri": uri},
                                http_status=self._client_error_status())

    def _handle_resources_subscribe(self, version, params):
        """Accepted so that clients which subscribe anyway get no error; the
        capability says ``subscribe: false`` because without a stream no update
        notification can be delivered."""
        return {}

    # -- prompts ----------------------------------------------------------

    def _handle_prompts_list(self, version, params):
        prompts = [prompt.definition() for prompt in available_prompts(self.env)]
        return self._paged_result("prompts", prompts, params)

    def _handle_prompts_get(self, version, params):
        prompt = self._find_prompt(params["name"])
        arguments = params.get("arguments") or {}
        status = self._client_error_status()
        try:
            if not getattr(prompt, "interactive", False):
                return prompt.get(self.env, arguments)
            target = f"prompt:{prompt.name}"
            context = build_context(self.env, params, target, self.stateless, status)
            result = prompt.get(self.env, arguments, context)
            if isinstance(result, InputRequired):
                if not self.stateless:
                    raise PromptError("this prompt needs input the client can only give "
                                      "from protocol revision 2026-07-28 on")
                return input_required_result(self.env, target, context, result)
            return result
        except PromptError as error:
            raise McpProtocolError(INVALID_PARAMS, f"Invalid params: {error}",
                                   http_status=status) from None
        except MissingClientCapability as missing:
            raise McpProtocolError(
                MISSING_CLIENT_CAPABILITY,
                f"Missing required client capabilities: {', '.join(sorted(missing.required))}.",
                data={"requiredCapabilities": missing.required}, http_status=400) from None

    def _find_prompt(self, name):
        for prompt in available_prompts(self.env):
            if prompt.name == name:
                return prompt
        raise McpProtocolError(INVALID_PARAMS, f"Unknown prompt: {name!r}.",
                               http_status=self._client_error_status())

    # -- completion -------------------------------------------------------

    def _handle_completion_complete(self, version, params):
        ref, argument = params["ref"], params["argument"]
        name, value = argument["name"], argument.get("value") or ""
        context_arguments = (params.get("context") or {}).get("arguments") or {}
        if ref["type"] == "ref/prompt":
            values = self._find_prompt(ref["name"]).complete(
                self.env, name, value, context_arguments)
        else:
            values = None
            for provider, _tool in self._providers():
                values = provider.complete(self.env, ref["uri"], name, value, context_arguments)
                if values is not None:
                    break
            if values is None:
                raise McpProtocolError(
                    INVALID_PARAMS, f"Unknown resource template: {ref['uri']!r}.",
                    http_status=self._client_error_status())
        return {"completion": {
            "values": values[:COMPLETION_VALUES_CAP],
            "total": len(values),
            "hasMore": len(values) > COMPLETION_VALUES_CAP,
        }}

    # -- logging ----------------------------------------------------------

    def _handle_logging_set_level(self, version, params):
        """Accepted and kept on the session. This JSON-only server has no stream
        to carry ``notifications/message``, so none is ever sent."""
        if self.session:
            self.session.log_level = params["level"]
        return {}

    def _check_log_level(self, params):
        """The 2026-07-28 per-request opt-in must name a known level."""
        level = (params.get("_meta") or {}).get(versions.META_LOG_LEVEL)
        if level is not None and level not in LOG_LEVELS:
            raise McpProtocolError(INVALID_PARAMS, f"Invalid params: unknown log level {level!r}.",
                                   http_status=400)
