from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model import prices
from dashsmith.model.problems import Severity


class CostUnpricedModel(Rule):
    """A model the catalog says the platform calls has no price, so its spend is not counted.

    Where spend is tokens × prices (dashsmith.prices: the price table in metrics/prices.py and
    setup.cfg's [dashsmith.prices]), a model without a price matches no price series: its
    tokens drop out of Cost $/hour and the cost alerts, and show only as unpriced traffic. A
    model is one the platform calls when a catalog label that names the model (model,
    gen_ai_response_model, gen_ai_request_model) lists it among its values; a snapshot date
    (-20251001) is ignored, as the prices are.

    Anti-pattern:
        Label("gen_ai_response_model", ["claude-opus-4-8-20261201"])   # and no price for it

    Best practice:
        [dashsmith.prices]
        claude-opus-4-8 = 5, 25, 0.50, 6.25
    """

    id = "cost/unpriced-model"
    severity = Severity.WARNING

    def declared(self, estate, context):
        records = [rule for rule_file in estate.rule_files for group in rule_file.groups
                   for rule in group.rules]
        priced = prices.priced_models(records)
        if not priced:  # spend is not computed from tokens here
            return
        reported = set()
        for metric in estate.catalog:
            for label in metric.labels:
                if label.name not in prices.MODEL_LABELS:
                    continue
                for model in label.values:
                    if model and prices.priced_as(model) not in priced and model not in reported:
                        reported.add(model)
                        yield self.problem(
                            f"model '{model}' ({metric.name}'s {label.name}) has no price: its "
                            "tokens show as unpriced, not as spend; add it to the price table "
                            f"or to setup.cfg [{prices.SECTION}] as "
                            f"'{prices.priced_as(model)} = INPUT, OUTPUT[, CACHE_READ, "
                            "CACHE_WRITE]' (US dollars per million tokens)", metric.source)
