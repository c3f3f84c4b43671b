"""The generated module as a file, kept like a lockfile: what the catalog makes of it now, whether
the file on disk is that, the difference, and writing it in one step."""

from __future__ import annotations

import ast
import difflib
import os
import tempfile
from dataclasses import dataclass

from dashsmith.compiler.estate import Estate
from dashsmith.instrument import genai
from dashsmith.instrument.config import (
    SECTION,
    ConfigError,
    InstrumentSettings,
    instrument_settings,
)
from dashsmith.instrument.generate import InstrumentError, exporter_metrics, module_text
from dashsmith.model.source import Source


@dataclass(frozen=True)
class Generated:
    settings: InstrumentSettings
    text: str
    metrics: int
    genai: bool = False  # it holds instrument_llm_calls() (ai_metrics = otel-genai)

    def on_disk(self) -> str | None:
        """The file as it is now; None when it is missing or unreadable as text."""
        try:
            with open(self.settings.output, encoding="utf-8", newline="") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            return None

    def diff(self, root: str) -> str:
        """A unified diff from the file on disk to what the catalog generates ("" if none)."""
        path = self.settings.relative_output(root)
        return "".join(difflib.unified_diff(
            (self.on_disk() or "").splitlines(keepends=True), self.text.splitlines(keepends=True),
            f"{path} (on disk)", f"{path} (from the catalog)"))

    def write(self) -> bool:
        """Write the module unless it is already current; the file is replaced in one step
        (a reader, or an application starting, sees the old module or the new one)."""
        if self.on_disk() == self.text:
            return False
        directory = os.path.dirname(self.settings.output)
        os.makedirs(directory, exist_ok=True)
        handle, staged = tempfile.mkstemp(prefix=".instrument-", suffix=".py", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(self.text)
            os.chmod(staged, 0o644)
            os.replace(staged, self.settings.output)
        finally:
            if os.path.exists(staged):
                os.remove(staged)
        return True


def generate(estate: Estate) -> Generated | None:
    """The module the catalog makes for this project; None when the project has no
    [dashsmith.instrument] section. ConfigError or InstrumentError when it cannot be made."""
    settings = instrument_settings(estate.settings)
    if settings is None:
        return None
    metrics = exporter_metrics(estate.catalog, settings.exporter)
    text = module_text(metrics, exporter=settings.exporter, catalog_dir=settings.catalog,
                       root=estate.settings.root, genai_buckets=_genai_buckets(estate))
    return Generated(settings, text, len(metrics), estate.settings.ai_metrics == "otel-genai")


def _genai_buckets(estate: Estate) -> tuple[float, ...] | None:
    """With ai_metrics = otel-genai, the buckets of the catalog's GenAI duration histogram
    (instrument_llm_calls() sets them); None otherwise."""
    if estate.settings.ai_metrics != "otel-genai":
        return None
    # underscored, or dotted (otel_metric_names = utf8)
    duration = next((metric for metric in estate.catalog
                     if genai.prometheus_name(metric.name) == genai.DURATION), None)
    if duration is None:
        raise InstrumentError(f"ai_metrics = otel-genai, but the catalog declares no "
                              f"{genai.DURATION} histogram (metrics/genai.py) to take the "
                              "GenAI instrumentation's duration buckets from")
    return tuple(duration.buckets)


@dataclass(frozen=True)
class Stale:
    message: str
    source: Source  # the file's first line that differs, or the setting at fault


def stale(estate: Estate) -> Stale | None:
    """Why the generated module does not match the catalog, for lint (the instrument/stale
    rule, which build does not run); None when it does, when the project generates none, or
    when it has not been generated yet (`instrument --check` reports a missing one: an
    application cannot run without it anyway)."""
    try:
        generated = generate(estate)
    except ConfigError as error:
        return Stale(error.reason, error.source)
    except InstrumentError as error:
        return Stale(f"the module cannot be generated: {error}",
                     estate.settings.key_source(SECTION, "exporter"))
    if generated is None or not os.path.exists(generated.settings.output):
        return None
    current = generated.on_disk()
    if current == generated.text:
        return None
    settings = generated.settings
    return Stale(f"{settings.relative_output(estate.settings.root)} is out of date with the "
                 f"catalog ({settings.catalog}/): run `dashsmith instrument` to regenerate it",
                 Source(settings.output, _first_difference(current or "", generated.text)))


def declared_metrics(text: str) -> dict[str, int]:
    """The metric names a generated module declares (prometheus_client.Counter("name", ...)
    and the like), each with its line; {} for text that is not Python."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "prometheus_client"
                and node.func.attr in ("Counter", "Gauge", "Histogram", "Summary")
                and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            found.setdefault(node.args[0].value, node.args[0].lineno)
    return found


def _first_difference(old: str, new: str) -> int:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (before, after) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if before != after:
            return number
    return min(len(old_lines), len(new_lines)) + 1
