"""The installer tool's Qt screens."""
