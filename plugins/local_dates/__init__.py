from .local_dates import format_date, register

__all__ = ["format_date", "register"]
