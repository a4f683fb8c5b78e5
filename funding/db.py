"""Database expressions the grouped pricing needs (PostgreSQL in production and CI, SQLite for the demo)."""

from django.db import models


class DaysBetween(models.Func):
    """Whole days from the first date to the second (the second minus the first)."""

    output_field = models.IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        start, end = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"({end[0]} - {start[0]})", [*end[1], *start[1]]

    def as_sqlite(self, compiler, connection, **extra_context):
        start, end = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"CAST(julianday({end[0]}) - julianday({start[0]}) AS INTEGER)", [*end[1], *start[1]]
