from .local_dates import (
    format_date,
    format_datetime,
    format_span,
    local_number,
    parse_local_time,
    register,
    years_and_months,
)

__all__ = ["format_date", "format_datetime", "format_span", "local_number", "parse_local_time",
           "register", "years_and_months"]
