from .safe_text import SanitizedHTML, clean, register, safe_html, sanitize

__all__ = ["SanitizedHTML", "clean", "register", "safe_html", "sanitize"]
