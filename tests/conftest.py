"""Shared fixtures: a virtual home with its gateway, started and torn down per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
