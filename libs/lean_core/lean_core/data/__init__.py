"""Market data: bar types, LEAN-format readers, corporate actions, subscriptions and slices."""
