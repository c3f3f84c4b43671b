"""Prices as code (dashsmith.prices, metrics/prices.py): with [dashsmith] ai_metrics =
otel-genai, spend is tokens × prices compiled to recording rules; setup.cfg's [dashsmith.prices]
overrides and adds models; a model without a price is shown as unpriced and lint warns."""

from __future__ import annotations

import pytest

from dashsmith.compiler.project import Project
from dashsmith.model.prices import PRICE_SERIES, priced_as
from dashsmith.model.problems import DeclarationError
from support.cli import Cli
from support.project import copy_project, edit, set_settings


@pytest.fixture
def genai_project(tmp_path):
    root = copy_project(tmp_path / "project")
    set_settings(root, "dashsmith", ai_metrics="otel-genai")
    return root


def _prices(project: Project) -> dict[tuple[str, str], str]:
    """The recorded prices: (model, token type) → the constant's expression."""
    groups = project.build().rule_files["ai"]["groups"]
    return {(rule["labels"]["priced_as"], rule["labels"]["type"]): rule["expr"]
            for group in groups for rule in group["rules"] if rule.get("record") == PRICE_SERIES}


def test_a_dated_model_id_is_priced_as_its_model():
    assert priced_as("claude-haiku-4-5-20251001") == "claude-haiku-4-5"
    assert priced_as("claude-haiku-4-5") == "claude-haiku-4-5"
    assert priced_as("claude-3-5-haiku-20241022") == "claude-3-5-haiku"


def test_the_published_prices_become_recorded_constants(genai_project):
    prices = _prices(Project(str(genai_project)))
    assert prices[("claude-sonnet-4-5", "input")] == "vector(3)"
    assert prices[("claude-sonnet-4-5", "output")] == "vector(15)"
    assert prices[("claude-sonnet-4-5", "cache_read")] == "vector(0.3)"
    assert prices[("claude-sonnet-4-5", "cache_creation")] == "vector(3.75)"


def test_setup_cfg_overrides_a_price_and_adds_a_model(genai_project):
    set_settings(genai_project, "dashsmith.prices",
                 **{"claude-sonnet-4-5": "2.5, 12", "claude-internal-1": "1, 2, 0.1, 1.25"})
    prices = _prices(Project(str(genai_project)))
    assert prices[("claude-sonnet-4-5", "input")] == "vector(2.5)"
    # No cache price given: cache tokens are priced as input.
    assert prices[("claude-sonnet-4-5", "cache_read")] == "vector(2.5)"
    assert prices[("claude-internal-1", "cache_creation")] == "vector(1.25)"


def test_a_price_line_dashsmith_cannot_read_names_its_line(genai_project):
    set_settings(genai_project, "dashsmith.prices", **{"claude-sonnet-4-5": "3 USD, 15"})
    with pytest.raises(DeclarationError) as raised:
        Project(str(genai_project)).build()
    message = raised.value.problems[0].message
    assert "[dashsmith.prices] claude-sonnet-4-5 = '3 USD, 15'" in message
    assert "setup.cfg:" in message


def test_lint_warns_about_a_model_without_a_price_until_it_has_one(genai_project):
    edit(genai_project / "metrics" / "config.py", '"claude-sonnet-4-5-20250929"]',
         '"claude-sonnet-4-5-20250929", "claude-opus-9-20270101"]', unique=True)
    result = Cli(genai_project)("lint")
    assert "warning cost/unpriced-model model 'claude-opus-9-20270101'" in result.output
    assert "'claude-opus-9 = INPUT, OUTPUT[, CACHE_READ, CACHE_WRITE]'" in result.output

    set_settings(genai_project, "dashsmith.prices", **{"claude-opus-9": "20, 100"})
    result = Cli(genai_project)("lint")
    assert "cost/unpriced-model" not in result.output, result.output


def test_the_application_reports_spend_itself_so_nothing_is_priced():
    assert _prices(Project.find()) == {}
