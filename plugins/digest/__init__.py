from .digest import DigestGenerator, period_pieces, register

__all__ = ["DigestGenerator", "period_pieces", "register"]
