from .tag_names import canonical_tag, register, tag_slug

__all__ = ["canonical_tag", "register", "tag_slug"]
