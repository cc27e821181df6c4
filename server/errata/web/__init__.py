"""The web pages: search, entries, the contribution form, submissions and moderation."""

from __future__ import annotations

from .pages import install

__all__ = ["install"]
