from .translation_status import Row, changed_pieces_only, format_report, last_changes, published_summary, translation_report

__all__ = ["Row", "changed_pieces_only", "format_report", "last_changes", "published_summary", "translation_report"]
