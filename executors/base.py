"""What every tool executor shares: the error a model can act on, and the base class."""


class ToolError(Exception):
    """A failure the caller can fix: reported as a tool result with ``isError``.

    The message is written for the model that made the call: what was wrong and,
    where possible, what to do instead.
    """


class ToolExecutor:
    """Runs one kind of tool in the caller's environment.

    ``input_schema`` describes the arguments for a given tool record;
    ``execute`` receives arguments already validated against that schema and
    returns a JSON-serialisable dict (the tool's structured result).
    """

    kind = None
    label = None
    # What a new tool of this kind starts with (see mcp.tool's onchange).
    category = "read"
    read_only = True
    destructive = False
    idempotent = True
    # Generic writers: a tool of this kind must be a "write" tool, not read-only.
    always_writes = False
    # One sentence on what the tool does, the start of its generated description.
    summary = ""

    def input_schema(self, tool):
        raise NotImplementedError

    def describe(self, tool):
        """The tool's description generated from its configuration: the kind's
        summary, then what the record narrows (model, fields, limits)."""
        parts = [self.summary] if self.summary else []
        if tool.model_name:
            parts.append(f"Works on the model {tool.model_name} only.")
        else:
            allowed_models = tool._allowed_model_names()
            if allowed_models:
                parts.append(f"Works on these models only: {', '.join(allowed_models)}.")
        config = tool.sudo()  # the tool's own configuration
        if config.allowed_field_ids:
            names = sorted(config.allowed_field_ids.mapped("name"))
            parts.append(f"Only these fields: {', '.join(names)}.")
        if config.hidden_field_ids:
            names = sorted(config.hidden_field_ids.mapped("name"))
            parts.append(f"Hidden fields: {', '.join(names)}.")
        return " ".join(parts)

    def check_configuration(self, tool):
        """Raise ``ValueError`` with a message for the admin when ``tool`` is
        misconfigured for this kind (checked on save)."""

    def output_schema(self, tool):
        """JSON Schema of the structured result, or None when the tool has none.

        Offered to clients as ``outputSchema`` (from 2025-06-18); a tool that
        declares one always returns ``structuredContent`` matching it.
        """
        return None

    def resource_links(self, tool, data):
        """MCP ``resource_link`` content blocks to send beside the text of a
        successful result (``data`` is what ``execute`` returned). Clients of
        revisions before 2025-06-18 never see them."""
        return []

    def execute(self, tool, env, arguments):
        raise NotImplementedError


class ToolResult:
    """A result with content blocks of its own (image, audio, embedded resource...),
    for tools whose answer is not a single JSON document."""

    def __init__(self, content, structured=None, is_error=False):
        self.content = content
        self.structured = structured
        self.is_error = is_error


class InputRequired:
    """The tool (or prompt) needs answers from the client before it can finish.

    ``input_requests`` maps a key of the executor's choice to an MCP request the
    client answers (``elicitation/create``, ``sampling/createMessage``,
    ``roots/list``); ``state`` is anything JSON the executor wants back on the
    retry. It travels signed, so it comes back unaltered or not at all.
    Only the stateless revision (2026-07-28) can carry this exchange.
    """

    def __init__(self, input_requests, state=None):
        self.input_requests = input_requests
        self.state = state


class MissingClientCapability(Exception):
    """The call cannot run for a client that lacks these capabilities."""

    def __init__(self, required):
        super().__init__(f"client capabilities required: {sorted(required)}")
        self.required = required


class InteractionContext:
    """What an interactive executor knows of the client and of earlier rounds.

    Executors that declare ``interactive = True`` receive it as a fourth
    argument of ``execute``.
    """

    def __init__(self, stateless, client_capabilities, input_responses, state):
        self.stateless = stateless
        self.client_capabilities = client_capabilities or {}
        self.input_responses = input_responses or {}
        self.state = state

    def supports(self, capability):
        return isinstance(self.client_capabilities.get(capability), dict)
