"""Read YAML front-matter with LibYAML, PyYAML's C parser.

pelican-yaml-metadata parses with PyYAML's pure-Python loader, which took
about a third of the time spent reading a file. CSafeLoader builds the same
Python values (it is SafeLoader's constructor on a C parser).
"""

import logging

import yaml
from pelican import signals
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
logger = logging.getLogger(__name__)


class LibYAMLMetadataReader(YAMLMetadataReader):
    def _load_yaml_metadata(self, text, source_path):
        """The plugin's own method with the C loader; the content check has
        already named any file whose front-matter is not a valid mapping."""
        try:
            metadata = yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            logger.error("Error parsing YAML for file '%s'", source_path)
            return {}
        if not isinstance(metadata, dict):
            logger.error("YAML header didn't parse as a dict for file '%s'", source_path)
            return {}
        return self._parse_yaml_metadata(metadata, source_path)


def add_reader(readers):
    for extension in LibYAMLMetadataReader.file_extensions:
        readers.reader_classes[extension] = LibYAMLMetadataReader


def register():
    signals.readers_init.connect(add_reader)
