"""Settings for `benchmarks/throughput.py`: Shuniu's own, with one more URL — a bare logged-in view to compare with."""

from shuniu.settings import *  # noqa: F403

ROOT_URLCONF = "throughput_urls"
