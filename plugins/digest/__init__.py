from .digest import DigestGenerator, build_digests, period_pieces, register

__all__ = ["DigestGenerator", "build_digests", "period_pieces", "register"]
