"""UI metadata helpers shared by every domain's assets."""

from dagster import MetadataValue, TableColumn, TableRecord, TableSchema


def table(columns: list[tuple[str, str]], rows: list[dict]) -> MetadataValue:
    """A Dagster table from ``(name, type)`` columns and dict rows."""
    return MetadataValue.table(
        records=[TableRecord(r) for r in rows],
        schema=TableSchema(columns=[TableColumn(name, type_) for name, type_ in columns]),
    )
