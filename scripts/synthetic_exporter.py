#!/usr/bin/env python3
"""Serve the synthetic trading-platform workload (see dashsmith.commands.verify.exporter):

    scripts/synthetic_exporter.py --port 9400 [--project DIR] [--fault error-spike]
    curl -X POST http://127.0.0.1:9400/fault/latency-regression   # 'normal' switches back
"""

import sys

from dashsmith.commands.verify.exporter import main

if __name__ == "__main__":
    sys.exit(main())
