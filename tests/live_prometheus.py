"""Moved to support.prometheus; this name stays until tests/test_deploy_files.py moves over
(`from support.prometheus import running_prometheus`)."""

from support.prometheus import running_prometheus

__all__ = ["running_prometheus"]
