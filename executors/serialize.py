"""The compact JSON form of records, shared by every tool that returns records.

One record is a flat object with ``id`` first and only the fields that hold a
value: an empty value (no value, ``false``, an empty text, no lines) is left out
rather than spelled ``null``. Per value type:

- many2one: ``[7, "Azure Interior"]``, id and name, as Odoo's own ``read()``
  gives it (measured: 11 bytes shorter per value than ``{"id", "name"}``);
- one2many / many2many: ``{"count": 12, "ids": [first five ids]}``; the result's
  ``relations`` says which model holds them and the domain that reads them all;
- date: ``"2025-06-01"``; datetime: ISO 8601 local time in the caller's time
  zone, ``"2025-06-01T14:22:00"``; the result names the zone once (``tz``);
- monetary: ``[1234.5, "EUR"]``, amount rounded as the currency is, and its ISO
  code;
- selection: the stored value (what a domain filters on); the result's ``labels``
  gives the label of each value that occurs;
- binary: its size, never its content.

The legends (``tz``, ``labels``, ``relations``) are built from the records that
are actually returned, so a result truncated to its byte budget stays consistent.
"""

import json

import pytz

# How many ids of an x2many value are shown beside its count.
X2MANY_PREVIEW = 5
EMPTY_NOTE = "Fields left out of a record are empty."


def json_size(data):
    """Bytes of ``data`` in the compact JSON text the tools return."""
    return len(json_text(data).encode())


def json_text(data):
    """The compact JSON text of a tool result (no spaces, UTF-8 kept)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def _is_empty(value, field_type):
    if field_type in ("integer", "float", "monetary"):
        return False  # 0 is a value
    return value is False or value is None or value == "" or value == []


class RecordSerializer:
    """Turns records of one model into compact rows, then describes them once.

    ``descriptions`` is the caller's ``fields_get`` (translated labels, only the
    fields the caller may see); ``field_names`` must be among them.
    """

    def __init__(self, model, field_names, descriptions):
        self.model = model
        self.env = model.env
        self.field_names = list(field_names)
        self.fields = {name: model._fields[name] for name in self.field_names}
        self.descriptions = descriptions
        self.tz = self.env.tz

    # ------------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------------

    def rows(self, records):
        """One compact dict per record, in the order of ``records``."""
        currency_fields = self._currency_fields()
        extra = [name for name in set(currency_fields.values()) if name not in self.fields]
        # bin_size: Odoo reads the size of binaries instead of their content.
        values = records.with_context(bin_size=True).read(self.field_names + extra)
        currency_ids = {
            currency[0]
            for row in values
            for name in set(currency_fields.values())
            if (currency := row.get(name))
        }
        currencies = {
            currency.id: currency
            for currency in self.env["res.currency"].browse(currency_ids)
        }
        rows = []
        for row in values:
            compact = {"id": row["id"]}
            for name in self.field_names:
                field_type = self.fields[name].type
                value = row[name]
                if _is_empty(value, field_type):
                    continue
                if field_type == "monetary":
                    currency = row.get(currency_fields.get(name))
                    value = self._monetary(value, currencies.get(currency and currency[0]))
                else:
                    value = self._value(name, value, field_type)
                if value is not None:
                    compact[name] = value
            rows.append(compact)
        return rows

    def _currency_fields(self):
        found = {}
        for name, field in self.fields.items():
            if field.type == "monetary":
                currency_field = field.get_currency_field(self.model)
                if currency_field and currency_field in self.descriptions:
                    found[name] = currency_field
        return found

    def _monetary(self, amount, currency):
        if not currency:
            return amount
        return [round(amount, currency.decimal_places), currency.name]

    def _value(self, name, value, field_type):
        if field_type == "many2one":
            return [value[0], value[1]]
        if field_type in ("one2many", "many2many"):
            return {"count": len(value), "ids": list(value[:X2MANY_PREVIEW])}
        if field_type == "datetime":
            local = pytz.utc.localize(value).astimezone(self.tz)
            return local.replace(tzinfo=None).isoformat(timespec="seconds")
        if field_type == "date":
            return value.isoformat()
        if field_type == "binary":
            return f"<binary, {value}>"
        if field_type == "float":
            digits = self.fields[name].get_digits(self.env)
            return round(value, digits[1]) if digits else value
        return value

    # ------------------------------------------------------------------
    # Legends, once per result
    # ------------------------------------------------------------------

    def legend(self, rows):
        """What the rows need to be read: time zone, labels, where lines live."""
        legend = {}
        if any(field.type == "datetime" for field in self.fields.values()):
            legend["tz"] = self.tz.zone
        labels = {}
        for name, field in self.fields.items():
            if field.type != "selection":
                continue
            known = dict(self.descriptions[name].get("selection") or ())
            seen = {row[name] for row in rows if name in row}
            if seen:
                labels[name] = {value: known.get(value, value) for value in sorted(seen, key=str)}
        if labels:
            legend["labels"] = labels
        relations = {
            name: self._relation(field)
            for name, field in self.fields.items()
            if field.type in ("one2many", "many2many") and any(name in row for row in rows)
        }
        if relations:
            legend["relations"] = relations
        return legend

    def _relation(self, field):
        """How to read every line of an x2many field: model and domain, where
        ``"<id>"`` stands for the id of the record holding the value."""
        comodel = self.env[field.comodel_name]
        if field.type == "one2many" and field.inverse_name:
            return {"model": comodel._name, "domain": [[field.inverse_name, "=", "<id>"]]}
        for other in comodel._fields.values():
            if (other.type == "many2many" and other.comodel_name == self.model._name
                    and getattr(other, "relation", None) == field.relation
                    and other.column1 == field.column2):
                return {"model": comodel._name, "domain": [[other.name, "in", ["<id>"]]]}
        return {"model": comodel._name,
                "note": f"Only the first {X2MANY_PREVIEW} ids are shown; read them "
                "with read_records."}


def serialize_value(value, field_type):
    """The compact form of one ``read()`` value that needs no record context
    (many2one, x2many, date; datetimes in UTC). Kept for simple callers; tools
    returning records use ``serialize_records``."""
    if _is_empty(value, field_type):
        return None
    if field_type == "many2one":
        return [value[0], value[1]]
    if field_type in ("one2many", "many2many"):
        return {"count": len(value), "ids": list(value[:X2MANY_PREVIEW])}
    if field_type == "datetime":
        return value.isoformat(timespec="seconds") + "Z"
    if field_type == "date":
        return value.isoformat()
    return value


def serialize_records(records, field_names, descriptions=None):
    """Records as compact rows (see the module docstring), without legends."""
    if descriptions is None:
        descriptions = records.fields_get(field_names, attributes=["type", "selection"])
    return RecordSerializer(records, field_names, descriptions).rows(records)
