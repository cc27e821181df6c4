"""Contributions: a submission's validation, its life cycle, and its verification jobs."""
