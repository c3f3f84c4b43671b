"""One file per rule, named after its id (`alert/for` is alert_for.py, `dashboard/duplicate-uid`
dashboard_duplicate_uid.py): its check, its messages and its documentation. A new rule is a
new file here plus its cases in tests/lint_cases/; the registry finds it."""
