"""MCP prompts: short workflow starters that tell the model which tools to use.

Each prompt belongs to an addon (``module``) and may need a business model (a
quotation prompt needs Sales): it is listed only where both are present.
Another addon may append prompts to ``PROMPTS``.
"""

import json

from ..executors.records import visible_fields
from .resources import COMPLETION_CAP, complete_model_names, readable_model


class PromptError(Exception):
    """Bad arguments for a prompt (answered as invalid params)."""


class Prompt:
    module = "mcp_gateway"
    name = None
    title = None
    description = None
    arguments = ()  # ({"name", "description", "required"}, ...)
    requires_model = None

    def available(self, env):
        return (
            self.module in env.registry._init_modules
            and (not self.requires_model or self.requires_model in env.registry)
        )

    def definition(self):
        return {"name": self.name, "title": self.title, "description": self.description,
                "arguments": [dict(argument) for argument in self.arguments]}

    def check_arguments(self, arguments):
        missing = [a["name"] for a in self.arguments
                   if a.get("required") and not arguments.get(a["name"])]
        if missing:
            raise PromptError(f"Missing required argument(s): {', '.join(missing)}.")

    def get(self, env, arguments):
        self.check_arguments(arguments)
        return {"description": self.description,
                "messages": [{"role": "user",
                              "content": {"type": "text", "text": self.render(env, arguments)}}]}

    def render(self, env, arguments):
        raise NotImplementedError

    def complete(self, env, argument, value, context_arguments):
        return []


class OpenQuotationsPrompt(Prompt):
    name = "summarize_open_quotations"
    title = "Summarise my open quotations"
    description = "Summarise the quotations (draft or sent) of the connected salesperson."
    requires_model = "sale.order"

    def render(self, env, arguments):
        domain = [["state", "in", ["draft", "sent"]], ["user_id", "=", env.uid]]
        return (
            "Summarise my open quotations in Odoo.\n"
            f"1. Call count_records with model \"sale.order\" and domain {json.dumps(domain)}.\n"
            "2. Call search_records with the same model and domain, fields "
            "[\"name\", \"partner_id\", \"date_order\", \"amount_total\", \"currency_id\", "
            "\"state\", \"validity_date\"], order \"date_order desc\".\n"
            "3. Answer with the number of quotations, their total per currency, the "
            "five largest, and those whose validity date has passed."
        )


class ProductStockPrompt(Prompt):
    name = "check_product_stock"
    title = "Check stock for a product"
    description = "Check on-hand and forecast quantities of one product, per warehouse."
    requires_model = "stock.quant"
    arguments = ({"name": "product", "description": "Product name or internal reference.",
                  "required": True},)

    def render(self, env, arguments):
        product = arguments["product"]
        return (
            f"Check the stock of the product {product!r} in Odoo.\n"
            "1. Call search_records on \"product.product\" with domain "
            f"{json.dumps(['|', ['name', 'ilike', product], ['default_code', '=', product]])}"
            " and fields [\"display_name\", \"qty_available\", \"virtual_available\", "
            "\"uom_id\"]. If several products match, ask which one is meant.\n"
            "2. Call search_records on \"stock.quant\" with domain [[\"product_id\", \"=\", "
            "<id>], [\"location_id.usage\", \"=\", \"internal\"]] and fields "
            "[\"location_id\", \"quantity\", \"reserved_quantity\"].\n"
            "3. Answer with on-hand, reserved and forecast quantities, per location."
        )

    def complete(self, env, argument, value, context_arguments):
        if argument != "product" or "product.product" not in env.registry:
            return []
        products = env["product.product"]
        if not products.has_access("read"):
            return []
        return [record.display_name for record in
                products.search([("name", "ilike", value)], limit=COMPLETION_CAP)]


class ExploreModelPrompt(Prompt):
    name = "explore_model"
    title = "Explore a model"
    description = "Explain what a model holds and show a few typical records."
    arguments = (
        {"name": "model", "description": "Technical model name, e.g. res.partner.",
         "required": True},
        {"name": "field", "description": "Optional field to break the records down by.",
         "required": False},
    )

    def render(self, env, arguments):
        model, field = arguments["model"], arguments.get("field")
        steps = [
            f"Explain what the Odoo model {model!r} holds.",
            f"1. Call describe_model with model {json.dumps(model)}.",
            f"2. Call count_records with model {json.dumps(model)}.",
            f"3. Call search_records with model {json.dumps(model)} and limit 5.",
        ]
        if field:
            steps.append(f"4. Break the records down by the field {field!r}.")
        steps.append("Answer in a few sentences, then list the most useful fields.")
        return "\n".join(steps)

    def complete(self, env, argument, value, context_arguments):
        if argument == "model":
            return complete_model_names(env, value)
        if argument == "field":
            model = readable_model(env, context_arguments.get("model"))
            if model is None:
                return []
            return sorted(name for name in visible_fields(model) if name.startswith(value))
        return []


PROMPTS = [OpenQuotationsPrompt(), ProductStockPrompt(), ExploreModelPrompt()]


def available_prompts(env):
    return [prompt for prompt in PROMPTS if prompt.available(env)]
