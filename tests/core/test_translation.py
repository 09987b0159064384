"""Flattened fallback catalogues answer every lookup as the chain of them did."""

from gettext import GNUTranslations

from django.utils.translation import trans_real

from core.translation import flatten_fallbacks


def _chain(translation):
    out, fallback = [], translation._fallback
    while fallback is not None:
        out.append(fallback)
        fallback = fallback._fallback
    return out


def test_every_message_of_the_chain_reads_the_same_after_flattening():
    chained = trans_real.DjangoTranslation("zh-hans")
    flat = trans_real.DjangoTranslation("zh-hans")
    catalogues = _chain(chained)
    assert len(catalogues) > 1  # Wagtail's zh catalogues behind zh_Hans: what this is for
    flatten_fallbacks(flat)
    assert len(_chain(flat)) == 1
    singular = {k for t in catalogues for k in t._catalog if isinstance(k, str) and k}
    plural = {k[0] for t in catalogues for k in t._catalog if isinstance(k, tuple)}
    assert len(singular) > 100
    for message in singular:
        assert flat.gettext(message) == chained.gettext(message), message
    for message in plural:
        for n in (1, 2, 5):
            assert flat.ngettext(message, message, n) == chained.ngettext(message, message, n)
    own = "检索科技成果、技术需求、专利与机构"  # the project's strings are their own translation
    assert flat.gettext(own) == chained.gettext(own) == own


def test_a_chain_with_different_plural_rules_is_left_alone():
    translation = trans_real.DjangoTranslation("zh-hans")
    odd = GNUTranslations()
    odd._catalog, odd._info, odd.plural = {}, {"plural-forms": "nplurals=2; plural=(n != 1);"}, None
    odd._fallback = None
    last = _chain(translation)[-1]
    last._fallback = odd
    before = _chain(translation)
    flatten_fallbacks(translation)
    assert _chain(translation) == before


def test_the_site_languages_are_flattened_at_start():
    assert len(_chain(trans_real.translation("zh-hans"))) <= 1
