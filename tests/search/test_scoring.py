"""The relevance formula's mechanisms on hand-made candidates (search.ranking, no index)."""

from search import analysis
from search.ranking import Candidate, rank, score


def candidate(key: str, title: str, keywords: str = "", body: str = "") -> Candidate:
    fields = {"title": title, "keywords": keywords, "summary": "", "body": body}
    return Candidate(
        key=key,
        fields={name: analysis.normalize(text) for name, text in fields.items()},
        words={name: analysis.segmented(text) for name, text in fields.items()},
    )


def query(text: str, synonyms=None) -> analysis.AnalyzedQuery:
    return analysis.analyze_query(text, synonyms=synonyms or {})


def test_shared_characters_score_below_the_word():
    q = query("毛蟹")
    idf = dict.fromkeys(q.match_words, 2.0)
    word = candidate("word", "毛蟹暂养技术")
    chars = candidate("chars", "河蟹运输技术")
    nothing = candidate("nothing", "水稻插秧机")
    assert score(q, word, idf) > score(q, chars, idf) > score(q, nothing, idf) == 0


def test_feedback_lifts_listings_in_the_words_of_the_best_matches():
    # The two best matches share 克氏原螯虾 and 稻田综合种养; the listing that says only
    # those words, not the query's, moves above one that merely shares a character.
    q = query("小龙虾")
    cands = [
        candidate("a", "小龙虾稻田综合种养", "克氏原螯虾，稻田综合种养"),
        candidate("b", "小龙虾育苗", "克氏原螯虾，稻田综合种养，育苗"),
        candidate("c", "克氏原螯虾苗种繁育技术", "克氏原螯虾，稻田综合种养"),
        candidate("d", "小型龙门吊"),
    ]
    idf = dict.fromkeys(q.match_words, 1.0)
    plain = [score(q, c, idf) for c in cands]
    fed = rank(q, cands, idf)
    assert plain[2] < plain[3]
    assert fed[2] > fed[3]
    assert fed[0] >= plain[0] and fed[1] >= plain[1]


def test_feedback_needs_words_the_best_matches_share():
    q = query("小龙虾")
    cands = [candidate("a", "小龙虾养殖"), candidate("b", "小龙虾加工", "冷链")]
    idf = dict.fromkeys(q.match_words, 1.0)
    assert rank(q, cands, idf) == [score(q, c, idf) for c in cands]
