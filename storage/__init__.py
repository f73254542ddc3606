"""The only code that speaks SQL (issue 3)."""
