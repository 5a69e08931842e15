"""What every part of Synclog needs and that knows no HTTP.

Settings, database, errors, passwords, time zones, migrations, rate limits, paths.
"""
