from .annotations import code_quality_report, github_annotations, problem_line
from .content_contract import check_content, register

__all__ = ["check_content", "code_quality_report", "github_annotations", "problem_line",
           "register"]
