"""Fixtures of the MCP conformance suite (``@modelcontextprotocol/conformance``),
served through MCP Gateway's own registries so the suite exercises the real
dispatch path: executors registered in ``EXECUTORS``, a resource provider and
prompts. Values follow the suite's reference server; this addon exists only in
test databases.
"""

import json

from odoo.addons.mcp_gateway.executors import (
    EXECUTORS,
    InputRequired,
    MissingClientCapability,
    ToolExecutor,
    ToolResult,
)
from odoo.addons.mcp_gateway.protocol.prompts import PROMPTS, Prompt
from odoo.addons.mcp_gateway.protocol.resources import RESOURCE_PROVIDERS, ResourceNotFound

MODULE = "mcp_gateway_conformance"
PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
WAV_EMPTY = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="
NO_ARGUMENTS = {"type": "object", "properties": {}}


def text(value):
    return {"type": "text", "text": value}


def elicit(message, properties, required):
    return {"method": "elicitation/create", "params": {
        "message": message,
        "requestedSchema": {"type": "object", "properties": properties, "required": required},
    }}


def sample(prompt, max_tokens):
    return {"method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": text(prompt)}], "maxTokens": max_tokens}}


ROOTS = {"method": "roots/list", "params": {}}


def accepted(context, key):
    """The content of an accepted elicitation answer under ``key``, or None."""
    answer = context.input_responses.get(key)
    if isinstance(answer, dict) and answer.get("action") == "accept":
        return answer.get("content") or {}
    return None


class FixtureExecutor(ToolExecutor):
    schema = NO_ARGUMENTS

    def input_schema(self, tool):
        return self.schema


class ContentExecutor(FixtureExecutor):
    def __init__(self, kind, content, is_error=False):
        self.kind, self.label = kind, kind
        self.content, self.is_error = content, is_error

    def execute(self, tool, env, arguments):
        return ToolResult(self.content, is_error=self.is_error)


class InteractiveExecutor(FixtureExecutor):
    interactive = True

    def __init__(self, kind, run):
        self.kind, self.label, self.run = kind, kind, run

    def execute(self, tool, env, arguments, context):
        return self.run(context)


def _missing_capability(context):
    if not context.supports("sampling"):
        raise MissingClientCapability({"sampling": {}})
    return ToolResult([text("The client declared sampling.")])


def _elicitation(context):
    content = accepted(context, "user_name")
    if content is None:
        return InputRequired({"user_name": elicit(
            "What is your name?", {"name": {"type": "string"}}, ["name"])})
    return ToolResult([text(f"Hello, {content.get('name', 'unknown')}!")])


def _sampling(context):
    answer = context.input_responses.get("capital_question")
    if not answer:
        return InputRequired({"capital_question": sample("What is the capital of France?", 100)})
    return ToolResult([text(f"Sampling result: {answer.get('content', {}).get('text', '')}")])


def _list_roots(context):
    answer = context.input_responses.get("client_roots")
    if not answer:
        return InputRequired({"client_roots": ROOTS})
    return ToolResult([text(f"Found {len(answer.get('roots') or [])} root(s)")])


def _confirm_with_state(context):
    """Completes only with an accepted confirmation and the state it issued."""
    if context.state == {"step": "confirm"} and accepted(context, "confirm") is not None:
        return ToolResult([text("state-ok: requestState validated")])
    return InputRequired(
        {"confirm": elicit("Please confirm", {"ok": {"type": "boolean"}}, ["ok"])},
        state={"step": "confirm"})


def _multiple_inputs(context):
    responses = context.input_responses
    if context.state == {"step": "all"} and all(
            key in responses for key in ("user_name", "greeting", "client_roots")):
        name = (accepted(context, "user_name") or {}).get("name", "unknown")
        return ToolResult([text(f"Received all three answers for {name}.")])
    return InputRequired({
        "user_name": elicit("What is your name?", {"name": {"type": "string"}}, ["name"]),
        "greeting": sample("Generate a greeting", 50),
        "client_roots": ROOTS,
    }, state={"step": "all"})


def _multi_round(context):
    state = context.state or {}
    if state.get("round") == 2 and accepted(context, "step2") is not None:
        color = accepted(context, "step2").get("color", "?")
        return ToolResult([text(f"{state.get('name')} likes {color}.")])
    if state.get("round") == 1 and accepted(context, "step1") is not None:
        name = accepted(context, "step1").get("name", "?")
        return InputRequired(
            {"step2": elicit("Step 2: What is your favorite color?",
                             {"color": {"type": "string"}}, ["color"])},
            state={"round": 2, "name": name})
    return InputRequired(
        {"step1": elicit("Step 1: What is your name?", {"name": {"type": "string"}}, ["name"])},
        state={"round": 1})


def _capabilities(context):
    if context.input_responses:
        return ToolResult([text("Answered with the declared capabilities.")])
    requests = {}
    if context.supports("elicitation"):
        requests["elicit_input"] = elicit("Any input?", {"value": {"type": "string"}}, [])
    if context.supports("sampling"):
        requests["sample_input"] = sample("Sample request", 50)
    if not requests:
        raise MissingClientCapability({"sampling": {}})
    return InputRequired(requests)


JSON_SCHEMA_2020_12 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {"address": {"$anchor": "addressDef", "type": "object", "properties": {
        "street": {"type": "string"}, "city": {"type": "string"}}}},
    "properties": {
        "name": {"type": "string"},
        "address": {"$ref": "#/$defs/address"},
        "contactMethod": {"type": "string", "enum": ["phone", "email"]},
        "phone": {"type": "string"},
        "email": {"type": "string"},
    },
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": False,
}


class JsonSchemaExecutor(FixtureExecutor):
    kind, label, schema = "conformance_json_schema", "conformance_json_schema", JSON_SCHEMA_2020_12

    def execute(self, tool, env, arguments):
        return ToolResult([text(f"Contact recorded for {arguments.get('name', 'someone')}.")])


FIXTURE_EXECUTORS = [
    ContentExecutor("conformance_simple_text",
                    [text("This is a simple text response for testing.")]),
    ContentExecutor("conformance_image",
                    [{"type": "image", "data": PNG_1PX, "mimeType": "image/png"}]),
    ContentExecutor("conformance_audio",
                    [{"type": "audio", "data": WAV_EMPTY, "mimeType": "audio/wav"}]),
    ContentExecutor("conformance_embedded_resource", [{"type": "resource", "resource": {
        "uri": "test://embedded-resource", "mimeType": "text/plain",
        "text": "This is an embedded resource content."}}]),
    ContentExecutor("conformance_mixed_content", [
        text("Multiple content types test:"),
        {"type": "image", "data": PNG_1PX, "mimeType": "image/png"},
        {"type": "resource", "resource": {"uri": "test://mixed-content-resource",
                                          "mimeType": "application/json",
                                          "text": json.dumps({"test": "data", "value": 123})}},
    ]),
    ContentExecutor("conformance_error",
                    [text("This tool intentionally returns an error for testing")],
                    is_error=True),
    ContentExecutor("conformance_plain_answer",
                    [text("Answered in one JSON response, with no stream.")]),
    InteractiveExecutor("conformance_missing_capability", _missing_capability),
    InteractiveExecutor("conformance_mrtr_elicitation", _elicitation),
    InteractiveExecutor("conformance_mrtr_sampling", _sampling),
    InteractiveExecutor("conformance_mrtr_list_roots", _list_roots),
    InteractiveExecutor("conformance_mrtr_request_state", _confirm_with_state),
    InteractiveExecutor("conformance_mrtr_multiple_inputs", _multiple_inputs),
    InteractiveExecutor("conformance_mrtr_multi_round", _multi_round),
    InteractiveExecutor("conformance_mrtr_capabilities", _capabilities),
    JsonSchemaExecutor(),
]


class FixtureResourceProvider:
    module = MODULE
    STATIC = {
        "test://static-text": ("static-text", "Static Text Resource", "text/plain",
                               {"text": "This is the content of the static text resource."}),
        "test://static-binary": ("static-binary", "Static Binary Resource", "image/png",
                                 {"blob": PNG_1PX}),
        "test://watched-resource": ("watched-resource", "Watched Resource", "text/plain",
                                    {"text": "Watched resource content"}),
    }
    TEMPLATE = "test://template/{id}/data"

    def list_resources(self, env):
        return [{"uri": uri, "name": name, "title": title, "mimeType": mime,
                 "description": f"{title} (conformance fixture)"}
                for uri, (name, title, mime, _body) in self.STATIC.items()]

    def list_templates(self, env):
        return [{"uriTemplate": self.TEMPLATE, "name": "template", "title": "Template",
                 "description": "A resource template for testing.",
                 "mimeType": "application/json"}]

    def read(self, env, uri):
        if not uri.startswith("test://"):
            return None
        if uri in self.STATIC:
            _name, _title, mime, body = self.STATIC[uri]
            return [{"uri": uri, "mimeType": mime, **body}]
        prefix, suffix = "test://template/", "/data"
        if uri.startswith(prefix) and uri.endswith(suffix) and len(uri) > len(prefix + suffix):
            item = uri[len(prefix):-len(suffix)]
            data = {"id": item, "templateTest": True, "data": f"Data for ID: {item}"}
            return [{"uri": uri, "mimeType": "application/json", "text": json.dumps(data)}]
        raise ResourceNotFound("Resource not found")

    def complete(self, env, uri_template, argument, value, context_arguments):
        return [] if uri_template == self.TEMPLATE else None


class FixturePrompt(Prompt):
    module = MODULE

    def __init__(self, name, description, arguments, messages):
        self.name, self.title, self.description = name, name, description
        self.arguments, self.messages = arguments, messages

    def get(self, env, arguments):
        self.check_arguments(arguments)
        return {"description": self.description, "messages": self.messages(arguments)}


class ContextPrompt(Prompt):
    module = MODULE
    interactive = True
    name = title = "test_input_required_result_prompt"
    description = "A prompt that asks the client for context before it is built."

    def get(self, env, arguments, context):
        content = accepted(context, "user_context")
        if content is None:
            return InputRequired({"user_context": elicit(
                "What context should the prompt use?", {"context": {"type": "string"}},
                ["context"])})
        return {"description": self.description, "messages": [
            {"role": "user", "content": text(f"Prompt with context: {content.get('context')}")}]}


def _user(content):
    return {"role": "user", "content": content}


FIXTURE_PROMPTS = [
    FixturePrompt("test_simple_prompt", "A simple prompt without arguments.", (),
                  lambda a: [_user(text("This is a simple prompt for testing."))]),
    FixturePrompt(
        "test_prompt_with_arguments", "A prompt with two required arguments.",
        ({"name": "arg1", "description": "First test argument", "required": True},
         {"name": "arg2", "description": "Second test argument", "required": True}),
        lambda a: [_user(text(
            f"Prompt with arguments: arg1='{a['arg1']}', arg2='{a['arg2']}'"))]),
    FixturePrompt(
        "test_prompt_with_embedded_resource", "A prompt embedding a resource.",
        ({"name": "resourceUri", "description": "URI of the resource to embed",
          "required": True},),
        lambda a: [_user({"type": "resource", "resource": {
            "uri": a["resourceUri"], "mimeType": "text/plain",
            "text": "Embedded resource content for testing."}}),
            _user(text("Please process the embedded resource above."))]),
    FixturePrompt("test_prompt_with_image", "A prompt with an image.", (),
                  lambda a: [_user({"type": "image", "data": PNG_1PX, "mimeType": "image/png"}),
                             _user(text("Please analyze the image above."))]),
    ContextPrompt(),
]

for _executor in FIXTURE_EXECUTORS:
    EXECUTORS.setdefault(_executor.kind, _executor)
if not any(isinstance(p, FixtureResourceProvider) for p in RESOURCE_PROVIDERS):
    RESOURCE_PROVIDERS.append(FixtureResourceProvider())
if not any(getattr(p, "module", None) == MODULE for p in PROMPTS):
    PROMPTS.extend(FIXTURE_PROMPTS)
