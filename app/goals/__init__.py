"""Goals: the personal values, priorities and intentions entries speak to."""
