from .prisoners import Prisoner, PrisonersGenerator, group_by_status, register

__all__ = ["Prisoner", "PrisonersGenerator", "group_by_status", "register"]
