from .multilingual import alternates, join_url, register, text_direction

__all__ = ["alternates", "join_url", "register", "text_direction"]
