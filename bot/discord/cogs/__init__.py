"""Command modules (one per area), loaded by the client's setup_hook."""
