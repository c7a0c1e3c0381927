"""MCP resources: every record the caller may read is ``odoo://<model>/<id>``.

Providers are plain objects registered in ``RESOURCE_PROVIDERS``; another addon
(the test-only conformance fixtures, for instance) may append its own. A
provider belongs to an addon and serves only databases where it is installed.
"""

import json
import re

from odoo.exceptions import AccessError

from ..executors import ToolError
from ..executors.records import (
    get_model,
    is_secret_model,
    resolve_fields,
    serialize_records,
)

RECORD_URI = re.compile(r"^odoo://(?P<model>[a-z_][a-z0-9_.]*)/(?P<id>[1-9][0-9]{0,17})$")
RECORD_TEMPLATE = "odoo://{model}/{id}"
COMPLETION_CAP = 100


class ResourceNotFound(Exception):
    """No resource at that URI for this caller."""


class RecordResourceProvider:
    module = "mcp_gateway"
    # Offered only to callers who may call a generic read_records tool.
    requires_tool_kind = "read_records"

    def list_resources(self, env):
        """A small, useful set: the caller's own user and company records."""
        user, company = env.user, env.company
        return [
            {"uri": f"odoo://res.users/{user.id}", "name": "me",
             "title": f"Me ({user.name})", "mimeType": "application/json",
             "description": "Your own user record."},
            {"uri": f"odoo://res.company/{company.id}", "name": "my-company",
             "title": f"My company ({company.name})", "mimeType": "application/json",
             "description": "The company your calls run in by default."},
        ]

    def list_templates(self, env):
        return [{
            "uriTemplate": RECORD_TEMPLATE,
            "name": "odoo-record",
            "title": "Odoo record",
            "description": "One record, as the connected user sees it, e.g. "
            "odoo://res.partner/14. Use list_models for model names.",
            "mimeType": "application/json",
        }]

    def handles(self, uri):
        return uri.startswith("odoo://")

    def read(self, env, uri, tool=None):
        """The record's contents, or None when ``uri`` is not an odoo:// URI.

        ``tool`` (a ``read_records`` tool) lends its field policy: the fields it
        hides or leaves out are not shown, and its default fields are used.
        """
        if not self.handles(uri):
            return None
        tool = tool or _NoTool()
        match = RECORD_URI.match(uri)
        if not match:
            raise ResourceNotFound(f"Malformed record URI {uri!r}; expected {RECORD_TEMPLATE}.")
        try:
            model = get_model(env, tool, match.group("model"))
            record = model.browse(int(match.group("id"))).exists()
            if not record:
                raise ResourceNotFound(f"No record at {uri}.")
            data = serialize_records(record, resolve_fields(model, None, tool))[0]
        except (ToolError, AccessError) as error:
            # Not readable by this user: reported like a missing record, with why.
            raise ResourceNotFound(f"{uri}: {error.args[0] if error.args else error}") from None
        return [{"uri": uri, "mimeType": "application/json",
                 "text": json.dumps(data, ensure_ascii=False, default=str)}]

    def complete(self, env, uri_template, argument, value, context_arguments):
        """Values for the template's ``model`` and ``id`` arguments, or None."""
        if uri_template != RECORD_TEMPLATE:
            return None
        if argument == "model":
            return complete_model_names(env, value)
        if argument == "id":
            model = readable_model(env, context_arguments.get("model"))
            if model is None:
                return []
            domain = [("id", "=", int(value))] if value.isdigit() else []
            records = model.search(domain, limit=COMPLETION_CAP)
            return [str(record_id) for record_id in records.ids]
        return []


class _NoTool:
    """Stands for "no tool restriction" where record helpers expect a tool: a
    resource is read with the user's rights alone."""

    model_name = False

    def _allowed_model_names(self):
        return []

    def _default_field_names(self, model_name):
        return []

    def _field_policy_context(self, model_name):
        return {}


def readable_model(env, model_name):
    """The caller's recordset of ``model_name`` if it is a stored model they may
    read, else None."""
    if not model_name or model_name not in env.registry or is_secret_model(model_name):
        return None
    model = env[model_name]
    if model._abstract or model._transient or not model.has_access("read"):
        return None
    return model


def complete_model_names(env, prefix):
    """Readable, stored models whose technical name starts with ``prefix``."""
    return [name for name in sorted(env.registry)
            if name.startswith(prefix) and readable_model(env, name) is not None]


RESOURCE_PROVIDERS = [RecordResourceProvider()]


def active_providers(env):
    """The providers whose addon is installed in this database."""
    installed = env.registry._init_modules
    return [provider for provider in RESOURCE_PROVIDERS if provider.module in installed]
