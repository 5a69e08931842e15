"""Pauses: rest periods (illness, travel, a retreat) whose days neither meet nor miss a streak."""
