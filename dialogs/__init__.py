"""Flows as data, the dialog engine, language understanding and the FAQ (issues 3 and 4)."""
