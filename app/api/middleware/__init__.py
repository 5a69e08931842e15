"""Middleware every request passes through: logs, metrics, security headers, CORS, body limit, the SQLite write gate."""
