from .clean_text import clean, register

__all__ = ["clean", "register"]
