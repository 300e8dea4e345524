from .translation_status import Row, format_report, last_changes, translation_report

__all__ = ["Row", "format_report", "last_changes", "translation_report"]
