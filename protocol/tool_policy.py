"""What a credential may do with a tool, the rate limits, and the company a
write tool runs in. Called by ``tool_calls.py`` and the dispatcher; kept apart
so that every executor gets these rules without knowing about them."""

import json

from .credentials import McpCredential

COMPANY_ARGUMENT = "company"


class CallRefused(Exception):
    """A call refused before the tool runs; shown to the model as a tool error."""


class HttpRefusal(Exception):
    """A refusal that is an HTTP answer of its own (403 insufficient_scope)."""

    def __init__(self, status, payload, headers):
        super().__init__(payload.get("error_description"))
        self.status = status
        self.payload = payload
        self.headers = headers


# Kinds that run code the tool record cannot see into: whatever their hints say,
# read-only credentials may not call them.
CODE_RUNNING_KINDS = ("model_method", "server_action")


def is_write_tool(tool):
    """Tools that may create or change data: category "write", any tool not
    marked read-only (an analytics tool that writes, say), and tools that run
    a method or a server action."""
    return (tool.category == "write" or not tool.read_only_hint
            or tool.kind in CODE_RUNNING_KINDS)


def visible_tools(credential, tools):
    """``tools`` narrowed to a key's allowlist, when it has one."""
    if credential is None or credential.tool_ids is None:
        return tools
    return tools.filtered(lambda tool: tool.id in credential.tool_ids)


def check_call(env, credential, tool):
    """Refuse a call the credential may not make, then count it against the
    rate limits. Raises HttpRefusal or CallRefused; returns None when allowed."""
    if credential is not None and is_write_tool(tool) and not credential.may_write:
        if credential.kind == "oauth":
            raise _insufficient_scope(credential, tool)
        raise CallRefused(
            f"This MCP key is read-only: the tool {tool.name!r} changes data. "
            "Use a read-write key to call it.")
    subjects = (credential or McpCredential(kind="none")).rate_subjects(env.uid)
    message = env["mcp.rate.counter"]._hit(subjects)
    if message:
        raise CallRefused(message)


def _insufficient_scope(credential, tool):
    description = (
        f"The tool {tool.name!r} changes data and needs the scope mcp:write; "
        "this token was granted read-only access.")
    challenge = 'Bearer error="insufficient_scope", scope="mcp:read mcp:write"'
    if credential.resource_metadata_url:
        challenge += f', resource_metadata="{credential.resource_metadata_url}"'
    return HttpRefusal(
        403, {"error": "insufficient_scope", "error_description": description},
        {"WWW-Authenticate": challenge})


# ----------------------------------------------------------------------
# Company of a write tool
# ----------------------------------------------------------------------

def extend_input_schema(tool, schema):
    """Add the optional ``company`` argument to a write tool's schema."""
    if not is_write_tool(tool) or not isinstance(schema, dict):
        return schema
    schema = json.loads(json.dumps(schema))
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})[COMPANY_ARGUMENT] = {
        "anyOf": [{"type": "integer"}, {"type": "string"}],
        "description": "Company to act in, by id or name; one of your allowed "
        "companies. Default: your current company.",
    }
    return schema


def company_env(env, tool, arguments):
    """The environment and arguments for the executor, and the company used.

    For a write tool, ``company`` is taken out of the arguments and must be one
    of the user's allowed companies; the call then runs with it as the only
    allowed company, so it is ``env.company`` for everything the tool creates.
    """
    if not is_write_tool(tool):
        return env, arguments, None
    arguments = dict(arguments)
    wanted = arguments.pop(COMPANY_ARGUMENT, None)
    allowed = env.user.company_ids
    if wanted is None or wanted == "":
        return env, arguments, env.company
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        company = allowed.filtered(lambda c: c.id == wanted)
    else:
        text = str(wanted).strip()
        company = allowed.filtered(lambda c: text.isdigit() and c.id == int(text)) or (
            allowed.filtered(lambda c: (c.name or "").casefold() == text.casefold()))
    if len(company) != 1:
        choices = ", ".join(f"{c.name} (id {c.id})" for c in allowed)
        raise CallRefused(
            f"Company {wanted!r} is not one of your allowed companies"
            f"{' (the name matches several)' if len(company) > 1 else ''}: {choices}.")
    return env(context=dict(env.context, allowed_company_ids=company.ids)), arguments, company


def report_company(result, company):
    """Say in the result which company a write tool ran in."""
    if company is None:
        return result
    result["content"].append(
        {"type": "text", "text": f"Company used: {company.name} (id {company.id})"})
    result.setdefault("_meta", {})["company"] = {"id": company.id, "name": company.name}
    return result
