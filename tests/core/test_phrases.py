"""core.phrases: text stored as message id + parameters, rendered in the reader's language."""

import json
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.phrases import Phrase, phrase_join


def _round_trip(phrase: Phrase) -> Phrase:
    return Phrase.from_json(json.loads(json.dumps(phrase.to_json())))


def test_a_stored_phrase_renders_in_the_language_active_when_read():
    phrase = _round_trip(Phrase.of("新询价：%(title)s", title="有机硅消泡剂"))
    with translation.override("en"):
        assert str(phrase) == "New inquiry: 有机硅消泡剂"
    with translation.override("zh-hans"):
        assert str(phrase) == "新询价：有机硅消泡剂"


def test_lazy_labels_keep_their_message_id_and_context():
    status = _round_trip(Phrase.of("%(s)s", s=pgettext_lazy("patent status", "有效")))
    assert status.params["s"] == Phrase(msgid="有效", context="patent status")
    label = Phrase.from_lazy(gettext_lazy("洽谈中"))
    with translation.override("en"):
        assert str(status) == "In force"
        assert str(label) == "Negotiating"


def test_nested_phrases_lists_and_plain_values():
    reasons = [Phrase.of("合作方式一致"), Phrase.of("成果价格面议")]
    phrase = _round_trip(
        Phrase.of(
            "%(title)s\n匹配理由：%(reasons)s",
            title="消泡剂",
            reasons=reasons,
        )
    )
    with translation.override("zh-hans"):
        assert str(phrase) == "消泡剂\n匹配理由：合作方式一致；成果价格面议"
    with translation.override("en"):
        assert str(phrase).startswith("消泡剂\nWhy it matches: ")
        assert "; " in str(phrase) and "；" not in str(phrase)
    # Numbers, decimals and dates are stored as JSON-safe values.
    data = Phrase.of("%(a)s %(b)s %(c)s", a=3, b=Decimal("1.50"), c=date(2027, 6, 30)).to_json()
    assert data["params"] == {"a": 3, "b": "1.50", "c": "2027-06-30"}


def test_typed_text_is_never_translated_and_joins_keep_order():
    with translation.override("en"):
        assert str(Phrase.verbatim("新询价：%(title)s")) == "新询价：%(title)s"
        assert str(phrase_join([Phrase.of("无"), "：x"])) == "None：x"
    assert str(Phrase.of("")) == ""


def test_a_translation_with_wrong_placeholders_falls_back_to_the_source(monkeypatch):
    monkeypatch.setattr("core.phrases.gettext", lambda msgid: "%(price)s ten-thousand yuan")
    assert str(Phrase.of("%(single)s 万元", single="5")) == "5 万元"
