from .safe_text import EscapeRawHtml, clean, register

__all__ = ["EscapeRawHtml", "clean", "register"]
