"""What README tells writers is true: its examples pass the content check."""

import re
import shutil

import pytest
from conftest import ROOT
from content_contract import check_content
from pelican.settings import read_settings

EXAMPLES = re.findall(r"```markdown\n(---\n.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)


def section_of(example: str) -> str:
    header = example.split("---\n")[1]
    if re.search(r"(?m)^name:", header):
        return "prisoners"
    return "events" if re.search(r"(?m)^start:", header) else "updates"


def test_readme_shows_an_example_of_each_kind_of_piece():
    assert sorted(map(section_of, EXAMPLES)) == ["events", "prisoners", "updates"]


@pytest.mark.parametrize("example", EXAMPLES, ids=section_of)
def test_each_front_matter_example_in_readme_passes_the_content_check(example, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / section_of(example) / "readme-example.en.md"
    path.write_text(example, encoding="utf-8")
    problems = check_content(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)}))
    assert problems == []
