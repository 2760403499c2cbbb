#!/usr/bin/env python
"""Same as the `shuniu` command, for those who expect manage.py."""

from shuniu.cli import main

if __name__ == "__main__":
    main()
