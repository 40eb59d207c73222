"""Qt widgets, themes and accessibility helpers both apps use."""
