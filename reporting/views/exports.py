"""The exports of a partnership: the reporting-tool files (CSV streamed, XLSX spooled to disk) and the
whole-partnership archive (a streamed ZIP). docs/eu-reporting-export.md describes the files.

Who: the staff of the partnership's organisations (`Partnership.objects.visible_to`, else 404); what each
gets: `reporting.exports.scope`. Every export writes an audit row (verb "exported") before streaming.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from partners import audit
from partners.access import get_scope
from partners.files import no_store
from partners.models import AuditEntry, PartnershipMember

from ..access import may_import_activities, partnership_in_scope, sees_whole_partnership
from ..exports import archive as archive_module
from ..exports import beneficiary_module, checks, reporting_tool
from ..exports.scope import reported_mobilities, reported_staff
from ..exports.streaming import REPORTING_TOOL, csv_chunks, xlsx_file

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 2000

# Mobility Tool+ (calls 2014–2020): two files. The Beneficiary Module (calls from 2021): the mobility
# activity file. The project number decides (Partnership.reporting_tool).
BM_EXPORTS = {
    "activities": {
        "title": _("Mobility activities (Beneficiary Module)"),
        "help": _(
            "One main row per mobility (not cancelled) and its itinerary row, in the columns of the Beneficiary "
            "Module's mobility activity import. The first export gives each mobility its Mobility activity ID."
        ),
        "url": "reporting:export_activities",
    },
}
EXPORTS = {
    "mobilities": {
        "title": _("Learner mobilities"),
        "help": _("One row per mobility (not cancelled), in the columns of the reporting tool's mobility import."),
        "url": "reporting:export_mobilities",
    },
    "participants": {
        "title": _("Participants"),
        "help": _(
            "One row per person: the learners of those mobilities and the staff registered for the joint staff "
            "training events."
        ),
        "url": "reporting:export_participants",
    },
}


def _own_organisation(request, partnership):
    """The exporter's organisation in the partnership, so its audit log shows the export."""
    scope = get_scope(request.user)
    member_ids = PartnershipMember.objects.filter(partnership=partnership, organisation_id__in=scope.staff_org_ids)
    member = member_ids.select_related("organisation").order_by("organisation_id").first()
    return member.organisation if member else None


def _details(request, partnership, what: str, fmt: str, **more) -> dict:
    """What the audit row of an export says: which file, in which format, whether it held every organisation."""
    return {"export": what, "format": fmt, "everything": sees_whole_partnership(request.user, partnership), **more}


def _filename(partnership, what: str, ext: str) -> str:
    stem = get_valid_filename(f"{partnership.acronym or partnership.slug}-{what}-{timezone.localdate():%Y-%m-%d}")
    return f"{stem}.{ext}"


@login_required
@require_safe
def exports_page(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    reported = reported_mobilities(request.user, partnership)
    mobilities = reported.count()
    context = {
        "partnership": partnership,
        "formats": list(FORMATS),
        "everything": sees_whole_partnership(request.user, partnership),
        "tool": partnership.reporting_tool,
    }
    if partnership.reporting_tool == "bm":
        checked = checks.check(request.user, partnership, reported)
        context |= {
            "exports": [{"name": name, "rows": mobilities, **spec} for name, spec in BM_EXPORTS.items()],
            "check": checked,
            "may_import": may_import_activities(request.user, partnership),
        }
    else:
        staff = reported_staff(request.user, partnership).count()
        counts = {"mobilities": mobilities, "participants": mobilities + staff}
        context |= {
            "exports": [{"name": name, "rows": counts[name], **spec} for name, spec in EXPORTS.items()],
            "staff": staff,
        }
    return render(request, "reporting/exports.html", context)


def _export(request, slug, fmt: str, what: str):
    if fmt not in FORMATS:
        raise Http404
    partnership = partnership_in_scope(request.user, slug)
    if partnership.reporting_tool != "mtplus":
        raise Http404  # a 2021+ project reports in the Beneficiary Module (export_activities)
    mobilities = reported_mobilities(request.user, partnership)
    if what == "mobilities":
        header = reporting_tool.MOBILITY_COLUMNS
        rows_count = mobilities.count()
        rows = reporting_tool.mobility_rows(mobilities.iterator(chunk_size=CHUNK))
    else:
        staff = reported_staff(request.user, partnership)
        header = reporting_tool.PARTICIPANT_COLUMNS
        rows_count = mobilities.count() + staff.count()
        rows = reporting_tool.participant_rows(mobilities.iterator(chunk_size=CHUNK), staff.iterator(chunk_size=CHUNK))
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=partnership,
        request=request,
        partnership=partnership,
        organisation=_own_organisation(request, partnership),
        details=_details(request, partnership, what, fmt, rows=rows_count),
    )
    return _file(header, rows, fmt, _filename(partnership, what, fmt), what)


def _file(header, rows, fmt: str, filename: str, title: str):
    """The reporting-tool file: CSV streamed, XLSX spooled to disk; never cached."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(header, rows, REPORTING_TOOL), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            xlsx_file(header, rows, title=title), as_attachment=True, filename=filename, content_type=FORMATS[fmt]
        )
    return no_store(response)


@login_required
@require_safe
def export_activities(request, slug, fmt):
    """The Beneficiary Module file; refused (409, with the problems) while an organisation has no OID or a
    mobility leaves a mandatory column empty."""
    if fmt not in FORMATS:
        raise Http404
    partnership = partnership_in_scope(request.user, slug)
    if partnership.reporting_tool != "bm":
        raise Http404
    mobilities = reported_mobilities(request.user, partnership)
    checked = checks.check(request.user, partnership, mobilities)
    if not checked.ok:
        return render(
            request, "reporting/export_refused.html", {"partnership": partnership, "check": checked}, status=409
        )
    beneficiary_module.ensure_activity_ids(partnership)
    rows_count = mobilities.count()
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=partnership,
        request=request,
        partnership=partnership,
        organisation=_own_organisation(request, partnership),
        details=_details(request, partnership, "activities", fmt, rows=rows_count, tool="bm"),
    )
    rows = beneficiary_module.rows(mobilities.iterator(chunk_size=CHUNK))
    return _file(beneficiary_module.HEADER, rows, fmt, _filename(partnership, "mobility-activities", fmt), "activities")


@login_required
@require_safe
def export_mobilities(request, slug, fmt):
    return _export(request, slug, fmt, "mobilities")


@login_required
@require_safe
def export_participants(request, slug, fmt):
    return _export(request, slug, fmt, "participants")


@login_required
@require_safe
def archive(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    built = archive_module.build(request.user, partnership)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=partnership,
        request=request,
        partnership=partnership,
        organisation=_own_organisation(request, partnership),
        details=_details(request, partnership, "archive", "zip"),
    )
    response = StreamingHttpResponse(built.stream(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_filename(partnership, "archive", "zip")}"'
    return no_store(response)
