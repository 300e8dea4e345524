from .content_contract import PRISONER_STATUSES, check_content, register

__all__ = ["PRISONER_STATUSES", "check_content", "register"]
