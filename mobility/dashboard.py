"""Mobility panels on the home dashboard (registered with partners.dashboard)."""
