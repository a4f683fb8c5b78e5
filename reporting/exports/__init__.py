"""Exports for the EU reporting tool and the whole-partnership archive (docs/eu-reporting-export.md).

- `reporting_tool`: the participant / mobility rows in the column layout of the reporting tool's import;
- `streaming`: CSV streamed row by row, XLSX spooled to a temporary file (openpyxl write-only mode);
- `scope`: which rows a user exports for a partnership (always from `visible_to(user)`);
- `archive`: the whole partnership as a streamed ZIP (CSV files, sealed PDFs, a manifest of SHA-256s).
"""
