from .local_dates import (
    build_date,
    format_date,
    format_datetime,
    format_span,
    local_number,
    parse_local_time,
    register,
    years_and_months,
)

__all__ = ["build_date", "format_date", "format_datetime", "format_span", "local_number", "parse_local_time",
           "register", "years_and_months"]
