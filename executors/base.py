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

    def input_schema(self, tool):
        raise NotImplementedError

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
