from __future__ import annotations

from dashsmith.checks.rule import Rule


class TestRuleFiles(Rule):
    """A unit test file does not name the compiled rule file of an alerts/ module.

    `rule_files` names the rule files `dashsmith test` compiles, by base name: the tests of
    alerts/ai.py read `ai.yml`.

    Anti-pattern:
        rule_files: [../../build/rules/ai.yml]

    Best practice:
        rule_files: [ai.yml]
    """

    id = "test/rule-files"

    def alert_tests(self, suite, context):
        for test_file in suite.files:
            if not test_file.rule_files:
                yield self.problem("test file has no rule_files: name the compiled rule file, "
                                   "e.g. rule_files: [ai.yml]", test_file.source)
            for written, name in test_file.compiled_names():
                if name not in suite.rule_files:
                    known = ", ".join(f"{n}.yml" for n in sorted(suite.rule_files)) or "none"
                    yield self.problem(f"rule_files names {written!r}, which dashsmith does not "
                                       f"build (rule files: {known})", test_file.source)
