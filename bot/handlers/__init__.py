"""One module per feature: it declares its intents and forms on a Router, and is listed in router.FEATURES."""
