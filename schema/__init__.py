"""The claims dataset's schema: pydantic models, one per table (see tables.py), and vocabularies."""

from .fields import ForeignKey, Row, TableMeta
from .tables import HISTORY_TABLES, ID_TABLES, MENTION_TARGETS, TABLES, TABLES_BY_NAME

__all__ = [
    "ForeignKey",
    "HISTORY_TABLES",
    "ID_TABLES",
    "MENTION_TARGETS",
    "Row",
    "TABLES",
    "TABLES_BY_NAME",
    "TableMeta",
]
