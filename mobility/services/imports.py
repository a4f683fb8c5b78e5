"""Running a bulk import: every row validated and saved in a transaction that is rolled back (the dry run),
then, once the user has seen the preview and confirmed, the same rows saved for real in one transaction
with one audit row. Any row error means nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from partners import audit
from partners.models import AuditEntry, Organisation

from ..resources import ImportContext, ImportKind, RowError, Table


@dataclass
class ImportResult:
    kind: ImportKind
    errors: list[RowError] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    created: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def run_import(
    kind: ImportKind,
    table: Table,
    *,
    organisation: Organisation,
    user,
    commit: bool,
    filename: str = "",
    request=None,
) -> ImportResult:
    """Validate and save every row. Unless `commit` is set and every row is valid, roll everything back."""
    result = ImportResult(kind=kind)
    context = ImportContext(user=user, organisation=organisation)
    columns = kind.column_names
    with transaction.atomic():
        if commit:
            # Imports into one organisation run one after the other, so the duplicate checks of a
            # second import (e.g. a double click on "Import") see the rows of the first.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        flagged = {(e.row, e.column) for e in table.cell_errors}
        result.errors.extend(table.cell_errors)
        for number, values in table.rows:
            form = kind.form_class(data=kind.row_data(values), context=context)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    column = "" if name not in columns else name
                    if (number, column) in flagged:
                        continue
                    result.errors.extend(RowError(number, column, str(message)) for message in messages)
                continue
            try:
                with transaction.atomic():
                    instance = kind.save(form, context=context, filename=filename)
            except DatabaseError:
                result.errors.append(
                    RowError(number, "", _("The row could not be saved: it conflicts with data already stored."))
                )
                continue
            result.created += 1
            result.preview.append(kind.preview(instance))
        result.errors.sort(key=lambda e: (e.row, columns.index(e.column) if e.column in columns else -1))
        if commit and result.ok:
            audit.record(
                actor=user,
                verb=AuditEntry.Verb.CREATED,
                obj=organisation,
                request=request,
                organisation=organisation,
                details={"import": kind.key, "count": result.created, "file": filename[:200]},
            )
            result.committed = True
        else:
            transaction.set_rollback(True)
    return result
