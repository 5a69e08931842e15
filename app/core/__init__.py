"""What every part of Synclog needs and that knows no HTTP.

Settings, database (where transactions commit), errors, the principal, strict bodies, the synced
objects' versions, each user's change sequence, passwords, time zones, migrations, rate limits,
metrics, paths.
"""
