from .content_contract import check_content, register

__all__ = ["check_content", "register"]
