"""Widgets of the in-home display: value tiles, ambient indicator, bar chart, layout grid."""
