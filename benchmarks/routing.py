"""Routing engine benchmark: B0, B1, planner and the lower bound on generated months.

Run: python benchmarks/routing.py   (the same table as `python -m shuniu.routing bench`)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shuniu.routing import bench

if __name__ == "__main__":
    bench.run()
