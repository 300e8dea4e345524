from .safe_text import EscapeRawHtml, clean, register, sanitize

__all__ = ["EscapeRawHtml", "clean", "register", "sanitize"]
