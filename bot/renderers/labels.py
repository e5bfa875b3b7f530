"""The renderers' own words, in the language of the reply they draw (``Reply.lang``).

Renderers translate their fixed labels themselves ("Sources", "As of ...", the page
buttons); everything else a reply says arrives already written in its language.
"""

from bot.core.reply import Citation, Reply
from bot.i18n.catalogs import N_
from bot.i18n.translator import Translator, translator

SOURCES = N_("Sources")
SOURCES_CONTINUED = N_("Sources (cont.)")
AS_OF = N_("As of {date}")
# The editors' rendering of a quote: labelled, because nothing checks it against the source.
TRANSLATION_LABEL = N_("Translation by the editors, not verified against the source")
TRANSLATED = N_("{label}: \u201c{text}\u201d")
ENGLISH_VERSION = N_("English version: {where}")
READ_ENGLISH = N_("Read the English version")
TRANSLATION_CHARS = 80  # what a translation adds to a citation besides its text (the label)


def words(reply: Reply) -> Translator:
    return translator(reply.lang)


def as_of(reply: Reply, tr: Translator) -> str | None:
    if reply.as_of is None:
        return None
    when = reply.as_of.describe(tr.lang)
    return tr(AS_OF, date=when)


def translation(citation: Citation, tr: Translator) -> str | None:
    """The quote's rendering with its label, or None when the reply has none."""
    if not citation.translation:
        return None
    label = tr(TRANSLATION_LABEL)
    return tr(TRANSLATED, label=label, text=citation.translation)
