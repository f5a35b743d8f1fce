"""Content cadence: weekly video quotas per shop, alerts, the per-shop daemon."""
