"""Browser tests (a package: its module names may repeat those of tests/web)."""
