"""One module per intent; each handler is a function of (Context, ...) returning a Reply."""
