"""One module per screen; each renders the model's view state with texts translated now."""
