"""pelican_compat holds every use of Pelican's internals; these tests fail,
naming the piece, when an upgraded Pelican changes code the project relies on."""

import pytest

import pelican_compat
from pelican.writers import Writer


@pytest.mark.parametrize("name", sorted(pelican_compat.RELIED_ON))
def test_pelican_code_the_build_relies_on_is_as_pelican_compat_was_written_against(name):
    recorded, relied_on = pelican_compat.RELIED_ON[name]
    assert pelican_compat.source_digest(name) == recorded, (
        f"{name} changed in this Pelican: pelican_compat relies on it ({relied_on}). "
        "Read the new code, adapt pelican_compat, then record the new digest.")


def test_a_changed_pelican_function_no_longer_matches_its_digest(monkeypatch):
    recorded = pelican_compat.RELIED_ON["pelican.writers.Writer._open_w"][0]

    def _open_w(self, filename, encoding, override=False):
        return open(filename, "w", encoding=encoding)  # a Pelican that no longer refuses to write twice

    monkeypatch.setattr(Writer, "_open_w", _open_w)
    assert pelican_compat.source_digest("pelican.writers.Writer._open_w") != recorded


def test_memoized_source_paths_still_show_pelicans_own_source():
    """remember_source_paths wraps Content.get_relative_source_path; the digest is of Pelican's function."""
    pelican_compat.remember_source_paths()
    name = "pelican.contents.Content.get_relative_source_path"
    assert pelican_compat.source_digest(name) == pelican_compat.RELIED_ON[name][0]
