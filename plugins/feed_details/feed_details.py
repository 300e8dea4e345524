"""What Pelican's feeds leave out and feed readers and validators need.

Every feed Pelican writes (per language: all, per section, per prisoner)
passes through `feed_generated` before it is written, so one handler covers
them all, in every language's site:

- The feed declares its language (`<language>` in RSS, `xml:lang` on Atom's
  `<feed>`): readers then know Farsi runs right to left and which language
  to hyphenate, speak or translate from.
- RSS `<guid>`s are Pelican's `tag:` URIs, which are not addresses to open:
  they say so with `isPermaLink="false"` (RSS 2.0 otherwise takes a guid for
  the item's URL, and the W3C Feed Validator reports every item). The `tag:`
  URI stays the item's identity, so no reader sees old items as new.
- Each Atom feed's `<id>` is its own address: Pelican gives every feed of a
  language the site's address, so all, updates, events and every prisoner's
  feed claimed to be one feed (RFC 4287 asks a permanent, unique id).
- An empty feed (a prisoner no piece names yet) is dated by the build date,
  not the clock, so that building the same site twice gives the same bytes.
"""

import datetime

from pelican import signals
from site_rules import build_date


def declare_language_and_guids(context, feed) -> None:
    """Set the feed's language (its site's) and own id, and mark its items' guids as not permalinks."""
    feed.feed["language"] = str(context["DEFAULT_LANG"])
    if feed.feed.get("feed_url"):
        feed.feed["id"] = feed.feed["feed_url"]
    for item in feed.items:
        if item.get("unique_id"):
            item["unique_id_is_permalink"] = False


def date_empty_feed(context, feed) -> None:
    if not feed.items:
        day = build_date(context)
        moment = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
        feed.latest_post_date = lambda: moment


def register():
    signals.feed_generated.connect(declare_language_and_guids)
    signals.feed_generated.connect(date_empty_feed)
