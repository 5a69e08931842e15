"""People and tags: the names used across a user's entries, for autocomplete, renaming and merging."""
