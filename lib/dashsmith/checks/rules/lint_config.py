from __future__ import annotations

from dashsmith.checks.rule import Rule

# The commands that apply suppressions, each to the findings it reports.
HONOURED_BY = ("lint", "verify")


class LintConfig(Rule):
    """A suppression is malformed: no reason, an unknown rule, or a rule that cannot be off.

    Suppressions are written in setup.cfg for the whole project, one per line with a
    reason, or as a comment on (or just above) the declaring line; lint and verify apply
    them. Structural rules (those build refuses) cannot be disabled, nor can rules neither
    of them reports (deploy's findings).

    Anti-pattern:
        [dashsmith.lint]
        disable = promql/regexp

    Best practice:
        [dashsmith.lint]
        disable =
            promql/regexp: exporters name jobs by pattern; equality would need one per host

        timeseries(  # dashsmith: disable=panel/description -- the title says it all
    """

    id = "lint/config"

    def refusal(self, rule_id: str, rule: Rule | None, reason: str, source):
        """Why turning `rule_id` (`rule`, None when there is no such rule) off for `reason`
        is refused; None when it is not."""
        if rule is None:
            message = f"cannot disable '{rule_id}': no such rule (dashsmith lint --explain " \
                      "lists them)"
        elif rule.structural:
            message = f"cannot disable '{rule_id}': build refuses it, so lint reports it"
        elif not set(HONOURED_BY) & set(rule.commands()):
            commands = " and ".join(f"`dashsmith {c}`" for c in rule.commands())
            message = (f"cannot disable '{rule_id}': {commands} reports it, and suppressions "
                       "do not apply there")
        elif rule.id.startswith("lint/"):
            message = f"cannot disable '{rule_id}'"
        elif not reason:
            message = f"disabling '{rule_id}' needs a reason: say why the rule is wrong here"
        else:
            return None
        return self.problem(message, source)

    def unknown_setting(self, section: str, key: str, source):
        return self.problem(f"[{section}] has no setting '{key}' (only 'disable', "
                            "'disable-in', 'severities' and 'prometheus')", source)

    def pattern_refusal(self, pattern: str, matched: bool, reason: str, source):
        """Why a pattern that turns off no rule is refused."""
        if not matched:
            message = f"cannot disable '{pattern}': no rule matches it (dashsmith lint " \
                      "--explain lists them)"
        elif not reason:
            message = f"disabling '{pattern}' needs a reason: say why the rules are wrong here"
        else:
            message = f"cannot disable '{pattern}': build refuses every rule it matches, or " \
                      "lint reports none of them"
        return self.problem(message, source)

    def not_understood_in_paths(self, source):
        return self.problem("disable-in entry not understood: write 'PATH: RULE[, RULE] -- "
                            "reason' (e.g. 'vendor/**: catalog/* -- vendored mixins')", source)

    def bad_value(self, section: str, key: str, value: str, expected: str, source):
        return self.problem(f"[{section}] {key} = {value!r}: expected {expected}", source)

    def not_understood(self, source):
        return self.problem("control comment not understood: write '# dashsmith: "
                            "disable=RULE[,RULE] -- reason'", source)
