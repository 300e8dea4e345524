"""The registry of in-memory caches: every cache the build keeps is named there, and forget() empties them."""

import importlib

import site_caches


def test_forget_empties_every_registered_cache_and_remembered_functions_compute_again():
    calls = []

    @site_caches.remembered("test: squares")
    def square(number):
        calls.append(number)
        return number * number

    entries = site_caches.in_memory("test: entries")
    entries["key"] = "value"
    assert square(3) == square(3) == 9 and calls == [3]
    site_caches.forget()
    assert entries == {} and square(3) == 9 and calls == [3, 3]
    entries["key"] = "value"
    site_caches.forget("test: squares")
    assert entries == {"key": "value"}


def test_the_build_registers_its_caches_by_name():
    for module in ("build_cache.fingerprints", "build_cache.readers", "content_contract.content_contract",
                   "images.images", "ui_catalogs.ui_catalogs", "safe_text.safe_text", "local_dates.local_dates",
                   "tag_names.tag_names", "file_digests", "build_cache.build_cache"):
        importlib.import_module(module)
    assert {"source files", "source digests", "file lists", "remade pieces", "sites read", "reader caches",
            "content objects", "content check", "image sizes", "compiled catalogs", "sanitized html",
            "formatted dates", "tag slugs"} <= set(site_caches.CACHES)
