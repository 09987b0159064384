import os
import subprocess
import sys
import threading
import unicodedata

from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from search import analysis
from search.backends.base import highlight
from search.parallel import mapped_batches
from search.synonyms import build_map, parse_group, split_terms

SYNONYMS = build_map(
    [
        parse_group("抽油机，磕头机，采油机"),
        parse_group("vocs, 挥发性有机物"),
        parse_group("氢能 => 氢气，储氢"),
    ]
)


def test_normalize_folds_traditional_width_and_case():
    assert analysis.normalize("鑽井液處理劑") == "钻井液处理剂"
    assert analysis.normalize("ＶＯＣｓ　監測") == "vocs 监测"
    assert analysis.normalize("") == ""


def test_domain_dictionary_keeps_industry_terms_whole():
    assert "含油污泥" in analysis.words("含油污泥资源化")
    assert "稠油" in analysis.words("超稠油与稠油开采")
    assert "vocs" in analysis.words("VOCs监测")
    assert {"含油", "污泥", "含油污泥"} <= set(analysis.index_words("含油污泥"))


def test_query_drops_filler_and_expands_synonyms():
    query = analysis.analyze_query("我们想找磕头机节能改造", synonyms=SYNONYMS)
    words = [t.word for t in query.terms]
    assert "我们" not in words and "想" not in words
    head = next(t for t in query.terms if t.word == "磕头机")
    assert set(head.synonyms) == {"抽油机", "采油机"}
    assert "vocs" in analysis.analyze_query("挥发性有机物", synonyms=SYNONYMS).all_words


def test_one_way_expansion():
    assert set(SYNONYMS["氢能"]) == {"氢气", "储氢"}
    assert "氢气" not in SYNONYMS


def test_compound_parts_carry_their_own_synonyms():
    analysis.add_words(["清洁取暖"])  # as an editor's synonym group 清洁取暖，清洁供暖 does
    query = analysis.analyze_query("清洁取暖", synonyms=build_map([["取暖", "供暖"]]))
    parts = {p.word: p.synonyms for t in query.terms for p in t.parts}
    assert parts.get("取暖") == ("供暖",)


def test_awkward_queries():
    assert analysis.analyze_query("！！？？", synonyms={}).is_empty
    assert analysis.analyze_query("", synonyms={}).is_empty
    assert len(analysis.analyze_query("泵" * 10_000, synonyms={}).text) == analysis.MAX_QUERY_CHARS


def test_pinyin():
    assert analysis.pinyin_forms("含油污泥") == ("hanyouwuni", "hywn")
    assert analysis.suggestion_inputs("含油污泥") == ["含油污泥", "hanyouwuni", "hywn"]
    assert analysis.suggestion_inputs("PLC") == ["plc"]


def test_split_terms():
    assert split_terms("污水，废水、 污水;Waste") == ["污水", "废水", "waste"]


def test_mapped_batches_keep_order_across_processes():
    """The forked path runs in a fresh, single-threaded interpreter: this test process has a
    live server and Playwright's threads by now, and must not fork."""
    script = (
        "import os\n"
        "from search.parallel import mapped_batches\n"
        "items = [f'词{i}' for i in range(7)]\n"
        "def mark(s):\n"
        "    return s.upper(), os.getpid()\n"
        "seen = [pair for b in mapped_batches(mark, items, workers=2, size=3) for pair in b]\n"
        "assert [x for x, _ in seen] == [s.upper() for s in items], seen\n"
        "assert os.getpid() not in {pid for _, pid in seen}, 'ran in the parent'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert list(mapped_batches(len, ["ab", "c"], workers=1, size=5)) == [[2, 1]]


def test_mapped_batches_stay_in_process_beside_other_threads():
    stop = threading.Event()
    neighbour = threading.Thread(target=stop.wait, daemon=True)
    neighbour.start()
    try:
        pids = [pid for b in mapped_batches(_pid, range(5), workers=2, size=2) for pid in b]
    finally:
        stop.set()
        neighbour.join()
    assert pids == [os.getpid()] * 5


def _pid(_item):
    return os.getpid()


def test_snippet_keeps_width_case_script_and_punctuation():
    text = "出水ＣＯＤ≤50mg/L，採用  鑽井液處理劑（RTO）工藝。"
    snippet = highlight(text, ["cod", "钻井液", "rto"])
    assert snippet == (
        "出水<mark>ＣＯＤ</mark>≤50mg/L，採用  <mark>鑽井液</mark>處理劑（<mark>RTO</mark>）工藝。"
    )
    normalised, origin = analysis.normalize_with_offsets(text)
    assert normalised == analysis.normalize(text)
    assert len(origin) == len(normalised)


def test_defined_abbreviations_are_mined_from_the_text():
    text = analysis.normalize("采用蓄热式热力焚烧（RTO）工艺；SCR（选择性催化还原）；报价（含税）")
    pairs = analysis.defined_abbreviations(text)
    assert ("rto", "蓄热式热力焚烧") in pairs
    assert ("scr", "选择性催化还原") in pairs
    assert all(short != "含税" for short, _ in pairs)
    # An acronym stands for about two characters a letter, not the whole run before it.
    orc = analysis.defined_abbreviations(analysis.normalize("炼化低温余热有机朗肯循环（ORC）发电"))
    assert orc == [("orc", "有机朗肯循环")]


def test_query_characters_are_a_back_off():
    query = analysis.analyze_query("毛蟹 養殖", synonyms={})
    assert query.chars == ("毛", "蟹", "养", "殖")
    assert set(query.chars) <= set(query.match_words)
    assert not set(query.chars) & set(query.all_words)  # highlights mark words, not characters
    # An acronym backs off to the characters of the expansion the corpus defines for it, so a
    # document that shortens the Chinese name (蓄热焚烧) still shares them.
    rto = analysis.analyze_query("RTO", synonyms=build_map([["rto", "蓄热式热力焚烧"]]))
    assert set("蓄热式力焚烧") == set(rto.chars)
    # A one-character query is its own word: nothing to back off to.
    assert analysis.analyze_query("稻", synonyms={}).chars == ()


def _offsets_reference(text):
    """normalize_with_offsets as it was before its fast path: every character folded on its own."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for c in unicodedata.normalize("NFKC", char).lower():
            if c.isspace():
                if not folded or folded[-1] == " ":
                    continue
                c = " "
            folded.append(c)
            origin.append(index)
    while folded and folded[-1] == " ":
        folded.pop()
        origin.pop()
    joined = "".join(folded)
    converted = analysis._converter().convert(joined)
    if len(converted) != len(joined):
        converted = "".join(analysis._converter().convert(c) or c for c in folded)
        if len(converted) != len(joined):
            converted = joined
    return converted, origin


_ODD_TEXT = st.text(
    # Traditional, full-width, ligatures and letters whose fold is longer, combining marks,
    # and every kind of whitespace.
    alphabet=st.sampled_from(
        "钻井液處理劑鑽ＣＯＤcodRTO（）,，。 \t\n\u3000\u00a0ﬁİ①㎡ｶﾞAée\u0301\u2028\x1c"
    ),
    max_size=40,
)


@given(_ODD_TEXT | st.text(max_size=40))
@hypothesis_settings(max_examples=400, deadline=None)
def test_offsets_fast_path_equals_the_per_character_fold(text):
    assert analysis.normalize_with_offsets(text) == _offsets_reference(text)
