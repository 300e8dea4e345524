from .feed_details import declare_language_and_guids, register

__all__ = ["declare_language_and_guids", "register"]
