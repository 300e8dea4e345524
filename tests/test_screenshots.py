"""Screenshots of the main templates in every language on a phone and a desktop, for review and the README.

They are written under pytest's temporary folder (the path is printed at the end of the run). The poster
is shot as printed (print emulation). Two of them are committed as docs/screenshots/ for the README.
"""

import pytest
from conftest import LANGS, report
from PIL import Image
from browser import url

SHOTS = {
    "home": "index.html", "profile": "prisoners/narges-mohammadi.html", "article": "updates/letters-to-evin.html",
    "events": "events/index.html", "appeal": "appeal.html", "poster": "posters/narges-mohammadi.html",
}
WIDTHS = {390: 844, 1280: 900}


@pytest.mark.parametrize("lang", LANGS)
def test_screenshots_of_every_main_template(site, browser, tmp_path_factory, lang):
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    taken = []
    for width, height in WIDTHS.items():
        # JavaScript off, as many readers in Iran have it: the pages must look finished without it.
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
        page = context.new_page()
        for name, path in SHOTS.items():
            page.emulate_media(media="print" if name == "poster" else "screen")
            page.goto(url(site, lang, path))
            page.wait_for_load_state("load")
            shot = folder / f"{name}-{lang}-{width}.png"
            page.screenshot(path=str(shot))
            with Image.open(shot) as image:
                assert image.size == (width, height)
                # Not a blank page: many colours (text, the header, badges).
                assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50, shot
            taken.append(shot.name)
        context.close()
    assert len(taken) == len(SHOTS) * len(WIDTHS)
    report("screenshots", f"{lang}: {len(taken)} in {folder}")
