from .safe_text import clean, register, sanitize

__all__ = ["clean", "register", "sanitize"]
