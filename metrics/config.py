"""What the dashboards and the alerts both read: which series count (selectors) and the values
they are judged by (thresholds). An alert and the panel that draws its threshold read the same
number here, so changing it moves both."""

from dashsmith import Selector
from dashsmith.model.project_settings import of_module

# --- Where the AI metrics come from -----------------------------------------------------------
# setup.cfg's [dashsmith] ai_metrics: the application's own ai_* counters (app), or the
# OpenTelemetry GenAI metrics its instrumentation emits (otel-genai); otel_metric_names says how
# those arrive in Prometheus. metrics/ai_source.py holds what each source's queries read.
_SETTINGS = of_module(__file__)
AI_METRICS = _SETTINGS.ai_metrics
OTEL_METRIC_NAMES = _SETTINGS.otel_metric_names
# With otel-genai, the spend: tokens × metrics/prices.py (prices), or OpenLIT's own
# gen_ai.usage.cost (openlit; docs/ai-metrics.md, "Cost from the instrumentation").
AI_COST = _SETTINGS.ai_cost

# --- Selectors --------------------------------------------------------------------------------
# In a query's f-string a selector writes itself with its braces: f"up{APP_TARGET}" is
# up{job="tradingagents"}; more matchers follow a colon: f'up{JOB:instance="a"}'.

# The dashboards' variables of these names: a dashboard's queries filter by its own.
JOB = Selector('job=~"$job"')
INSTANCE = Selector('instance=~"$instance"')

# The trading platform's scrape target.
APP_TARGET = Selector('job="tradingagents"')
# Filesystems that hold data: mounted, and not in memory or an image layer.
REAL_FILESYSTEMS = Selector('fstype!~"tmpfs|overlay|squashfs"', 'mountpoint!=""')
# PostgreSQL copies template0 and template1 to create databases; nothing runs in them.
REAL_DATABASES = Selector('datname!~"template.*"')

# --- Thresholds -------------------------------------------------------------------------------

# AI / LLM
AI_ERROR_RATIO_WARNING = 0.05
AI_ERROR_RATIO_CRITICAL = 0.25
AI_RATE_LIMITED_PER_SECOND = 0.1
AI_P95_SECONDS = {"fast": 5, "medium": 20}
AI_HOURLY_BUDGET_USD = 10
AI_DAILY_BUDGET_USD = 200
# GenAI metrics carry the model, not the platform's tier: a tier is the models it calls. Regexes
# over the model id, as label_replace and label matchers read them.
AI_MODEL_TIERS = {"fast": "claude-haiku-.*", "medium": "claude-sonnet-.*"}
# The models the platform calls: the ids it asks for and the dated ids that answer. With GenAI
# metrics spend is tokens × prices, and lint's cost/unpriced-model warns about a model here
# without a price (metrics/prices.py, setup.cfg [dashsmith.prices]).
AI_MODELS = ["claude-haiku-4-5", "claude-haiku-4-5-20251001",
             "claude-sonnet-4-5", "claude-sonnet-4-5-20250929"]

# LLM trace store (`dashsmith bridge`, metrics/bridge.py). LLMQualityScoreLow fires when a score's
# mean over the last hour is below LLM_SCORE_MINIMUM (scores and feedback on a 0-1 scale, as
# LLM-as-a-judge evaluators and thumbs up/down give them) and at least LLM_SCORE_MIN_COUNT were
# recorded in that hour (one bad rating is not a trend).
LLM_SCORE_MINIMUM = 0.7
LLM_SCORE_MIN_COUNT = 10
# LLMTraceCostDisagrees fires when the trace store's LLM cost over the last hour differs from
# the application's own (ai_cost_usd_total) by more than this share of the application's, while
# the application spent at least LLM_COST_COMPARED_FROM_USD in that hour.
LLM_TRACE_COST_DISAGREEMENT = 0.2
LLM_COST_COMPARED_FROM_USD = 0.5

# Application
ANALYSIS_ERROR_RATIO = 0.1
ANALYSIS_P95_SECONDS = 300
LLM_HOURLY_COST_USD = 10

# Host
FILESYSTEM_AVAILABLE_WARNING_PERCENT = 5
FILESYSTEM_AVAILABLE_CRITICAL_PERCENT = 3
MEMORY_UTILISATION_PERCENT = 90
CPU_UTILISATION_PERCENT = 90
LOAD_PER_CORE = 2

# PostgreSQL
PG_CONNECTIONS_RATIO = 0.8
PG_CACHE_HIT_RATIO = 0.98
# Below this many disk reads a second a low hit ratio is an idle database, not a problem.
PG_CACHE_MIN_READS_PER_SECOND = 1
PG_DEADLOCKS_PER_MINUTE = 5
PG_LONGEST_TRANSACTION_SECONDS = 120
