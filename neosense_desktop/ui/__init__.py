"""The desktop GUI: thin Qt views over the core engine (which never imports Qt)."""
