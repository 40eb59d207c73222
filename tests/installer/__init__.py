"""Installer tool tests."""
