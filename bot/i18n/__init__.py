"""Languages: gettext catalogs of the interface's words, and which language a reader gets.

The bottom of the layer stack (docs/architecture.md), so content, core, renderers and the
platforms can all use it: ``locales`` (the supported languages, a platform's locale tag to
one of them, ``lang es|en`` as typed), ``catalogs`` (``locales/es/LC_MESSAGES/*.po``, read
at load time, a broken file reported with its line). Imports nothing of ``bot``.
"""
