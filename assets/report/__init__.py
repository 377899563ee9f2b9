"""The stakeholder report: one self-contained HTML page per published version (no Dagster imports)."""
