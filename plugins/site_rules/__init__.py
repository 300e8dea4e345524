"""The site's rules, in one place: which languages it has and where each is
published, how a content file is named, how its front-matter is read, the
prisoner statuses, which pages the site makes itself, and the day it describes.

Every plugin, task, test and benchmark imports these from here (the plugins
folder is installed into the virtual environment as packages: pyproject.toml),
so a rule is never written twice and a plugin never depends on the order of
PLUGINS to import another.
"""

import datetime
import os
import re
from urllib.parse import urlsplit

import yaml

# --- Languages ------------------------------------------------------------------


def is_subsite(settings) -> bool:
    """Whether `settings` are those of a language's subsite (i18n_subsites gives
    each subsite the main site's I18N_SUBSITES and its own DEFAULT_LANG)."""
    return settings["DEFAULT_LANG"] in settings.get("I18N_SUBSITES", {})


def main_lang(settings) -> str:
    """The main site's language, from the settings of any of the sites."""
    if not is_subsite(settings):
        return settings["DEFAULT_LANG"]
    from pelican_compat import i18n_main_lang

    return i18n_main_lang()


def languages(settings) -> list[str]:
    """Every language of the site, the main one first, then the subsites in
    the order I18N_SUBSITES gives them."""
    main = main_lang(settings)
    return [main, *(lang for lang in settings.get("I18N_SUBSITES", {}) if lang != main)]


def site_folder(lang: str, settings) -> str:
    """The folder of `lang`'s site inside the built output: "" for the main
    language, "<lang>" for a subsite (i18n_subsites' default hierarchy)."""
    return "" if lang == main_lang(settings) else lang


def main_site_path(settings, key: str) -> str:
    """The main site's OUTPUT_PATH or CACHE_PATH, from the settings of any of
    the sites: i18n_subsites puts each subsite's inside the main site's, in a
    folder named by the language."""
    path = settings[key]
    return os.path.dirname(os.path.normpath(path)) if is_subsite(settings) else path


# --- The day the site describes --------------------------------------------------

def build_date(settings) -> datetime.date:
    """BUILD_DATE if set (tests fix it), else today in UTC: what is upcoming, how long a
    prisoner has been held, and whether the inputs of the last build are still current."""
    fixed = settings.get("BUILD_DATE")
    if fixed:
        return datetime.date.fromisoformat(str(fixed))
    return datetime.datetime.now(datetime.timezone.utc).date()


# --- Content files --------------------------------------------------------------

# content/<section>/<slug>.<lang>.md, with a lower-case ASCII slug.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FILE_NAME = re.compile(rf"^(?P<slug>{SLUG.pattern})\.(?P<lang>[^.]+)\.md$")


def sections(settings) -> list[str]:
    """The content folders that hold pieces, in the order the site lists them."""
    return [*settings["ARTICLE_PATHS"], settings.get("PRISONERS_PATH", "prisoners"), *settings["PAGE_PATHS"]]


# --- Front-matter ---------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n(?:---|\.\.\.)\n(?P<body>.*)\Z", re.DOTALL)
# LibYAML's parser when PyYAML has it: front-matter is read on every build.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BOOLEAN = "tag:yaml.org,2002:bool"


class ImpossibleDate(yaml.constructor.ConstructorError):
    pass


class FrontMatterLoader(SafeLoader):
    """SafeLoader, except that a date that does not exist (2024-13-45) is a
    problem at its line, where PyYAML raises a bare ValueError."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise ImpossibleDate(None, None, f'"{node.value}" is not a date that exists', node.start_mark) from None


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", FrontMatterLoader.construct_yaml_timestamp)


def load_front_matter(text: str):
    """(fields, problems) of a front-matter block. The problems are what YAML
    accepts but a writer never means: an alias (`*name`, the way an alias
    bomb expands a few lines into gigabytes), a field given twice (YAML keeps
    the last silently), and yes/no/on/off read as true or false. Raises
    yaml.YAMLError (ImpossibleDate for a date that does not exist)."""
    loader = FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        problems = _structure_problems(node)
        if problems:
            return None, problems
        return (loader.construct_document(node) if node is not None else None), []
    finally:
        loader.dispose()


def read_front_matter(text: str) -> dict | None:
    """The fields of a content file's text, or None when the file has no
    readable front-matter (the content check says why)."""
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        return None
    try:
        meta, problems = load_front_matter(match["yaml"])
    except yaml.YAMLError:
        return None
    return meta if not problems and isinstance(meta, dict) else None


def _structure_problems(root) -> list[str]:
    problems, seen = [], set()

    def visit(node, field):
        if id(node) in seen:
            if not any("YAML alias" in problem for problem in problems):  # one line, not one per alias
                problems.append(f"{field}: uses a YAML alias (*name); write the value out in full")
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys = {}
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else field
                if name in keys:
                    problems.append(f"{name}: given twice (lines {keys[name] + 2} and {key.start_mark.line + 2}); "
                                    "keep one")
                keys.setdefault(name, key.start_mark.line)
                visit(key, name)
                visit(value, name if node is root else field)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                visit(item, field)
        elif node.tag == BOOLEAN and node.value.lower() not in ("true", "false"):
            problems.append(f"{field}: {node.value!r} is read as true or false; put it in quotes: \"{node.value}\"")

    if root is not None:
        visit(root, "front-matter")
    return problems


# --- Prisoners --------------------------------------------------------------------

# In the order the prisoners index lists them: the gravest danger first.
PRISONER_STATUSES = ("sentenced-to-death", "at-risk-of-execution", "imprisoned", "disappeared", "on-furlough",
                     "released", "executed", "unknown")
# Statuses in which a prisoner is held: the profile counts the days since `arrested`.
DETAINED_STATUSES = ("sentenced-to-death", "at-risk-of-execution", "imprisoned")
# Statuses that put a warning at the top of the profile.
DEATH_PENALTY_STATUSES = ("sentenced-to-death", "at-risk-of-execution")

# --- What pages may load -------------------------------------------------------------


def content_security_policy(settings) -> str:
    """CONTENT_SECURITY_POLICY, with `form-action` allowing this site and, when
    the appeal form posts elsewhere (APPEAL_FORM_ACTION), that host only; sent
    in every page's <meta> and the _headers file."""
    policy = settings.get("CONTENT_SECURITY_POLICY") or ""
    if not policy:
        return ""
    sources = ["'self'"]
    action = settings.get("APPEAL_FORM_ACTION")
    if action:
        parts = urlsplit(str(action))
        if parts.scheme in ("http", "https") and parts.netloc:
            sources.append(f"{parts.scheme}://{parts.netloc}")
    kept = [part.strip() for part in policy.split(";") if part.strip() and not part.strip().startswith("form-action")]
    return "; ".join([*kept, "form-action " + " ".join(sources)])


# --- Pages the site makes itself ----------------------------------------------------

# Second and later pages of a list: index, sections and tags (PAGINATION_PATTERNS).
PAGINATED = re.compile(r"(^|/)page-\d+\.html$")


def generated_pages(settings) -> set[str]:
    """The pages every language's site writes itself, whatever the content."""
    pages = {f"{name}.html" for name in settings["DIRECT_TEMPLATES"]} | {
        settings[key] for key in ("TAGS_SAVE_AS", "ARCHIVES_SAVE_AS", "INDEX_SAVE_AS", "PRISONERS_INDEX_SAVE_AS",
                                  "CALENDAR_SAVE_AS") if settings.get(key)}
    pages |= {settings["CATEGORY_SAVE_AS"].format(slug=folder) for folder in settings["ARTICLE_PATHS"]}
    pages.add("digest.html")
    return pages


def reserved_page(section: str, slug: str, settings) -> str | None:
    """The page the site generates that a piece with this slug would overwrite, if any."""
    if section == "pages":
        paths = [settings["PAGE_SAVE_AS"].format(slug=slug)]
    elif section == settings.get("PRISONERS_PATH", "prisoners"):
        paths = [settings["PRISONER_SAVE_AS"].format(slug=slug)]
    else:
        paths = [settings["ARTICLE_SAVE_AS"].format(category=section, slug=slug)]
        if section == "events":
            paths.append(settings["EVENT_CALENDAR_SAVE_AS"].format(slug=slug))
    generated = generated_pages(settings)
    return next((path for path in paths if path in generated or PAGINATED.search(path)), None)
