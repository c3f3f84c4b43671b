"""LLM prices as code: what a million tokens of each kind cost per model, compiled to recording
rules so that spend is tokens × prices in PromQL (docs/ai-metrics.md, "Cost from tokens").

A project keeps its price table in its catalog (metrics/prices.py: the published prices and the
day they were read); setup.cfg's [dashsmith.prices] overrides and adds models, one line each:

    [dashsmith.prices]
    # MODEL = INPUT, OUTPUT[, CACHE_READ, CACHE_WRITE]
    claude-sonnet-4-5 = 3, 15, 0.30, 3.75

in US dollars per million tokens. Each price becomes one recorded constant series,

    model_type:ai_price_usd_per_million_tokens:table{priced_as="claude-sonnet-4-5",type="input"} 3

and a query multiplies token rates by it `on (priced_as, type)`. Traffic of a model without a
price matches no price series: it drops out of the spend (never $0) and shows in the series of
unpriced tokens instead; lint's cost/unpriced-model names the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashsmith.model.rules import Record
from dashsmith.model.settings import Settings

SECTION = "dashsmith.prices"
# The recorded series of prices, one per model and token type.
PRICE_SERIES = "model_type:ai_price_usd_per_million_tokens:table"
# The label a price is keyed by: the model id without the snapshot date Anthropic's dated ids
# end with (claude-sonnet-4-5-20250929 is priced as claude-sonnet-4-5).
PRICED_AS = "priced_as"
# The token types a price applies to, as the token series label them: GenAI's
# gen_ai.token.type values (input, output) and the application's cache token types.
TOKEN_TYPES = ("input", "output", "cache_read", "cache_creation")
# The labels that name the model a call went to: the application's, and GenAI's (as Prometheus
# stores them by default, and as UTF-8 names).
MODEL_LABELS = ("model", "gen_ai_response_model", "gen_ai_request_model",
                "gen_ai.response.model", "gen_ai.request.model")
# A dated model id, e.g. claude-haiku-4-5-20251001: the name, then -YYYYMMDD. In PromQL
# (label_replace anchors it) and in Python (fullmatch) alike.
DATED_MODEL = r"(.+?)(?:-[0-9]{8})?"


class PriceError(ValueError):
    """A [dashsmith.prices] line dashsmith cannot read; the message names its setup.cfg line."""


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens. A model without a cache price has its cache tokens priced
    as input (what they are billed as when no cache discount or premium is published)."""

    input: float
    output: float
    cache_read: float | None = None
    cache_write: float | None = None

    def by_token_type(self) -> dict[str, float]:
        return {
            "input": self.input,
            "output": self.output,
            "cache_read": self.input if self.cache_read is None else self.cache_read,
            "cache_creation": self.input if self.cache_write is None else self.cache_write,
        }


@dataclass(frozen=True)
class PriceTable:
    """Prices by model id (without a snapshot date), and where and when they were read."""

    prices: dict[str, Price]
    source: str
    read_on: str  # the day the prices were read, YYYY-MM-DD

    def with_settings(self, settings: Settings) -> PriceTable:
        """This table with setup.cfg's [dashsmith.prices] lines over it."""
        overrides = read_overrides(settings)
        if not overrides:
            return self
        return PriceTable({**self.prices, **overrides}, self.source, self.read_on)

    def price_of(self, model: str) -> Price | None:
        return self.prices.get(priced_as(model))

    def records(self) -> list[Record]:
        """One recording rule per model and token type: the price as a constant series."""
        return [
            Record(PRICE_SERIES, f"vector({_number(usd)})",
                   labels={PRICED_AS: model, "type": token_type})
            for model, price in sorted(self.prices.items())
            for token_type, usd in price.by_token_type().items()
        ]


def priced_as(model: str) -> str:
    """The price table's key for a model id: the id without its snapshot date."""
    match = re.fullmatch(DATED_MODEL, model)
    return match.group(1) if match else model


def priced_models(records) -> set[str]:
    """The models the price records of a rule group (records()) give a price."""
    return {record.labels.get(PRICED_AS, "") for record in records
            if getattr(record, "record", None) == PRICE_SERIES}


def read_overrides(settings: Settings) -> dict[str, Price]:
    """The prices setup.cfg's [dashsmith.prices] sets; PriceError for a line that is not
    `MODEL = INPUT, OUTPUT[, CACHE_READ, CACHE_WRITE]` with non-negative numbers."""
    found = {}
    for model, value in settings.sections.get(SECTION, {}).items():
        found[model] = _price(model, value, settings)
    return found


def _price(model: str, value: str, settings: Settings) -> Price:
    parts = [part.strip() for part in value.split(",")]
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (2, 3, 4) or any(n < 0 for n in numbers):
        where = settings.key_source(SECTION, model).relative_to(settings.root)
        raise PriceError(f"{where}: [{SECTION}] {model} = '{value}': expected INPUT, OUTPUT"
                         "[, CACHE_READ, CACHE_WRITE] in US dollars per million tokens")
    return Price(*numbers)


def _number(value: float) -> str:
    """A price as PromQL writes it: 3, 0.3, 18.75."""
    return f"{value:g}"
