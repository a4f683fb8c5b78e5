"""Models of the selection app."""
