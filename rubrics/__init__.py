"""Versioned rubric files and their loader: what is asked and what each answer is worth.

Pure Python (no Flask, no SQLAlchemy); see ../shared/design.md.
"""
