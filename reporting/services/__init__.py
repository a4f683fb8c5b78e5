"""Reporting services: the dashboard's indicators (indicators.py) and the budget (budget.py)."""
