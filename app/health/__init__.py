"""Liveness and readiness for process managers and load balancers."""
