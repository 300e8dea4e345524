"""A synthetic campaign corpus for benchmarks: N updates in en, fa and es, with
tags, prisoners, events and images like the real content."""

import datetime
import random
from pathlib import Path

from PIL import Image

WORDS = {
    "en": "prisoner family court lawyer visit evin week campaign letter vigil hunger strike sentence appeal "
          "release health solidarity women life freedom news report message support".split(),
    "fa": "زندانی خانواده دادگاه وکیل ملاقات اوین هفته کارزار نامه شمع‌افروزی اعتصاب غذا حکم فراخوان آزادی "
          "سلامت همبستگی زن زندگی خبر گزارش پیام حمایت".split(),
    "es": "preso familia tribunal abogada visita evin semana campaña carta vigilia huelga hambre condena "
          "llamamiento libertad salud solidaridad mujer vida noticia crónica mensaje apoyo".split(),
}
TAGS = {"en": ["Evin Prison", "Hunger strike", "Letters", "Vigils", "Women, Life, Freedom"],
        "fa": ["زندان اوین", "اعتصاب غذا", "نامه‌ها", "شمع‌افروزی", "زن، زندگی، آزادی"],
        "es": ["Prisión de Evin", "Huelga de hambre", "Cartas", "Vigilias", "Mujer, Vida, Libertad"]}
LANGS = ("en", "fa", "es")


def _text(rng, lang, words):
    sentences = [" ".join(rng.choice(WORDS[lang]) for _ in range(12)).capitalize() + "." for _ in range(words // 12)]
    return "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def _write(path: Path, lines, body):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n", encoding="utf-8")


def make_corpus(root: Path, updates: int = 1000, seed: int = 7) -> Path:
    """Write the corpus under `root` (a content folder) and return it."""
    rng = random.Random(seed)
    prisoners = [f"prisoner-{i}" for i in range(max(3, updates // 50))]
    images = root / "images"
    images.mkdir(parents=True, exist_ok=True)
    for i in range(5):
        Image.new("RGB", (1200, 800), (40 * i, 30, 30)).save(images / f"photo-{i}.jpg", quality=80)
    start = datetime.date(2016, 1, 4)
    for lang in LANGS:
        for slug in prisoners:
            _write(root / "prisoners" / f"{slug}.{lang}.md", [
                f'name: "{slug.title()} {lang}"', 'name_native: "نام زندانی"', "status: imprisoned",
                'prison: "Evin"', "arrested: 2020-01-01", 'charges: ["propaganda"]', "born: 1980"],
                _text(rng, lang, 150))
        for page in ("appeal", "volunteer", "donate", "about"):
            _write(root / "pages" / f"{page}.{lang}.md", [f'title: "{page.title()} {lang}"'], _text(rng, lang, 200))
        for i in range(updates):
            day = start + datetime.timedelta(days=7 * (i % 520), hours=0) + datetime.timedelta(days=i // 520)
            lines = [f'title: "Update {i} {lang}"', f"date: {day.isoformat()}",
                     f'summary: "{_text(rng, lang, 24).splitlines()[0]}"',
                     f"tags: {rng.sample(TAGS[lang], 2)}".replace("'", '"'),
                     f"prisoners: [{rng.choice(prisoners)}]"]
            if i % 20 == 0:
                lines += [f"image: photo-{i % 5}.jpg", 'image_alt: "A photo"']
            _write(root / "updates" / f"update-{i}.{lang}.md", lines, _text(rng, lang, 300))
        for i in range(max(2, updates // 10)):
            day = start + datetime.timedelta(days=30 * i)
            _write(root / "events" / f"event-{i}.{lang}.md", [
                f'title: "Event {i} {lang}"', f"date: {day.isoformat()}", f'start: "{day.isoformat()} 18:00"',
                'timezone: "America/Los_Angeles"', 'location: {name: "Hall", address: "City"}',
                f"prisoners: [{rng.choice(prisoners)}]"], _text(rng, lang, 200))
    return root
