"""Chinese text pipeline shared by both search backends.

normalise (OpenCC traditional→simplified, NFKC width folding, lowercase) → jieba with the Panjin
domain dictionary → words; at query time also stop-word removal and synonym expansion. The
Elasticsearch server here has no analysis-common module, so this is the only analysis there is.
"""

import hashlib
import importlib.metadata as metadata
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import jieba
import opencc
from jieba import posseg
from pypinyin import lazy_pinyin

DICTIONARY_DIR = Path(__file__).resolve().parent / "dictionaries"
MAX_QUERY_CHARS = 200
# A token is searchable when it has a letter, digit or Han character.
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")
# Whitespace that normalize_with_offsets must fold: any but a single inner space.
_SPACE_TO_FOLD = re.compile(r"^\s|\s$|\s\s|[^\S ]")

# Bump when a code change alters what normalize / index_words / pinyin_forms return for the same
# text: every stored analysis (SearchEntry words, the Elasticsearch copy) is then re-derived.
ANALYSER_REVISION = 3

jieba.setLogLevel(logging.WARNING)
_tokenizer_lock = threading.Lock()


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with the domain dictionary (loaded once per process)."""
    with _tokenizer_lock:
        tok = jieba.Tokenizer()
        tok.initialize()
        for line in (DICTIONARY_DIR / "panjin.txt").read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 else None
            tok.add_word(normalize(parts[0]), freq=freq)
        return tok


@cache
def analyser_version() -> str:
    """A digest of everything index-time analysis depends on: this module's revision, the
    domain dictionary and the versions of jieba, OpenCC and pypinyin. It is part of every
    document fingerprint, so changing any of them makes stored analyses stale (`search_index
    check` reports them, `search_index rebuild` re-analyses them)."""
    digest = hashlib.sha256(f"revision {ANALYSER_REVISION}\n".encode())
    digest.update((DICTIONARY_DIR / "panjin.txt").read_bytes())
    for package in ("jieba", "opencc", "pypinyin"):
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "?"
        digest.update(f"\n{package} {version}".encode())
    return digest.hexdigest()[:16]


@cache
def stopwords() -> frozenset[str]:
    text = (DICTIONARY_DIR / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        normalize(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def add_words(words: Iterable[str]) -> None:
    """Teach jieba extra words (synonym terms), so a query keeps them whole."""
    tok = tokenizer()
    for word in words:
        word = normalize(word)
        if word and word not in tok.FREQ:
            tok.add_word(word, freq=1500)


def normalize(text: str) -> str:
    """Traditional → simplified, full-width → half-width (NFKC), lowercase, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _converter().convert(text)
    return _SPACES.sub(" ", text.lower()).strip()


@lru_cache(maxsize=8192)
def _folded(char: str) -> str:
    """One character folded (NFKC, lowercase): a page's snippets fold thousands of characters,
    drawn from a few thousand distinct ones (bounded: any text may reach this)."""
    return unicodedata.normalize("NFKC", char).lower()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """normalize(text) and, for each of its characters, where it starts in `text`.

    Each character is folded on its own (NFKC, lowercase) so its origin is known; OpenCC then
    converts the folded string as a whole when that keeps its length (the usual case: t2s maps
    characters one to one) and character by character otherwise. Runs of spaces become one."""
    if not text:
        return "", []
    pieces = list(map(_folded, text))
    joined = "".join(pieces)
    # The usual text folds one character to one and needs no space folding: origin is then
    # the identity, without the per-character loop (a page highlights dozens of texts).
    if len(joined) == len(text) and not _SPACE_TO_FOLD.search(joined):
        return _converted(joined), list(range(len(text)))
    folded: list[str] = []
    origin: list[int] = []
    for index, piece in enumerate(pieces):
        for c in piece:
            if c.isspace():
                if not folded or folded[-1] == " ":
                    continue
                c = " "
            folded.append(c)
            origin.append(index)
    while folded and folded[-1] == " ":
        folded.pop()
        origin.pop()
    return _converted("".join(folded)), origin


def _converted(joined: str) -> str:
    """OpenCC over the folded text, keeping its length (one position per character)."""
    converted = _converter().convert(joined)
    if len(converted) != len(joined):
        converted = "".join(_converter().convert(c) or c for c in joined)
        if len(converted) != len(joined):
            converted = joined
    return converted


def warm_up() -> None:
    """Load jieba's dictionaries, the domain dictionary, OpenCC and the stop words now (a second
    or more) rather than in the first search a process serves. Touches no database."""
    stopwords()
    words(normalize("盘锦含油污泥處理"), normalized=True)
    _pos_tokenizer().lcut("含油污泥")
    pinyin_forms("含油污泥")


def is_word(token: str) -> bool:
    return bool(_WORDLIKE.search(token))


def words(text: str, *, normalized: bool = False) -> list[str]:
    """Precise-mode jieba words of the text, punctuation and spaces dropped, in order."""
    if not normalized:
        text = normalize(text)
    return [w for w in tokenizer().lcut(text) if w.strip() and is_word(w)]


def index_words(text: str, *, normalized: bool = False) -> list[str]:
    """Words for the index: search-mode jieba, so 含油污泥 also yields 含油 and 污泥."""
    if not normalized:
        text = normalize(text)
    return [w for w in tokenizer().lcut_for_search(text) if w.strip() and is_word(w)]


def han_chars(*texts: str) -> list[str]:
    """The distinct Han characters of normalised texts, in order of first appearance."""
    return list(dict.fromkeys(c for text in texts for c in _HAN.findall(text)))


# -- abbreviations defined in the text -------------------------------------------------------
# "蓄热式热力焚烧（RTO）", "RTO（蓄热式热力焚烧）", "克氏原螯虾（俗称小龙虾）": a document that
# defines a short form teaches search that both forms mean the same. The pairs are mined from
# every indexed document (search.backends.database stores them per entry), so they follow the
# corpus without anyone maintaining them.
_ACRONYM = r"[a-z][a-z0-9\-+]{1,11}"
_DEFINED = re.compile(
    rf"([\u3400-\u9fff]{{2,40}})[（(]\s*(俗称|又称|简称|也称|也叫|又名|即)?\s*"
    rf"({_ACRONYM}|[\u3400-\u9fff]{{2,8}})\s*[)）]"
)
_DEFINED_AFTER = re.compile(
    rf"(?<![a-z0-9])({_ACRONYM})\s*[（(]\s*([\u3400-\u9fff]{{2,16}})\s*[)）]"
)
# Parts of speech that end a term when reading leftwards from the parenthesis: particles,
# prepositions, conjunctions, adverbs, pronouns, numerals, measure words, localisers, times.
# ("x", unknown, is what jieba gives the domain dictionary's words: they are terms.)
_NOT_TERM_POS_TEXT = "p c u uj ul uz ug uv ud d r f q m y e o zg t"
_NOT_TERM_POS = frozenset(_NOT_TERM_POS_TEXT.split())
# Verbs that commonly introduce a term ("采用蓄热式热力焚烧（RTO）") without being part of it.
_INTRODUCING_TEXT = (
    "采用 通过 利用 基于 使用 结合 安装 配套 建设 开展 进行 实现 研发 开发 提供 包括 具有 "
    "应用 引入 配备 选用 搭载 用于 适用 含 称为 简称 俗称 形成 建立 构建 设置 增设 加装 "
    "改用 替代 取代"
)
_INTRODUCING = frozenset(_INTRODUCING_TEXT.split())


@cache
def _pos_tokenizer() -> posseg.POSTokenizer:
    return posseg.POSTokenizer(tokenizer())


def _term_tail(run: str, max_chars: int) -> str:
    """The term that ends a run of Han characters: whole words read leftwards until a word
    that cannot belong to a term."""
    out: list[str] = []
    for word, flag in reversed(list(_pos_tokenizer().cut(run))):
        if flag in _NOT_TERM_POS or word in _INTRODUCING or (len(word) == 1 and flag[0] == "v"):
            break
        if sum(map(len, out)) + len(word) > max_chars:
            break
        out.insert(0, word)
    term = "".join(out)
    return term if len(term) >= 2 else ""


def _is_term(text: str) -> bool:
    return all(
        f not in _NOT_TERM_POS and w not in _INTRODUCING for w, f in _pos_tokenizer().cut(text)
    )


def defined_abbreviations(text: str) -> list[tuple[str, str]]:
    """(short form, full form) pairs the normalised text defines in parentheses."""
    if "(" not in text and "（" not in text:
        return []
    pairs: dict[tuple[str, str], None] = {}
    for match in _DEFINED.finditer(text):
        run, lead, short = match.groups()
        # A Chinese word in parentheses is often a remark (含税, 试用): only a word that the text
        # calls a name (俗称, 简称, …) counts; a Latin acronym always does.
        if not lead and not re.fullmatch(_ACRONYM, short):
            continue
        # A Latin acronym stands for about two characters a letter (有机朗肯循环 for ORC, not
        # 炼化低温余热有机朗肯循环).
        letters = sum(c.isalpha() for c in short) if re.fullmatch(_ACRONYM, short) else 0
        full = _term_tail(run, min(12, 2 * letters + 1) if letters else 12)
        if full and full != short:
            pairs[(short, full)] = None
    for match in _DEFINED_AFTER.finditer(text):
        short, run = match.groups()
        full = _term_tail(run, 16) if _is_term(run) else ""
        if full and full != short:
            pairs[(short, full)] = None
    return list(pairs)


def segmented(text: str) -> str:
    """Index words joined by spaces: what the database backend's full-text index stores."""
    return " ".join(index_words(text))


@dataclass
class QueryTerm:
    """One query word and the alternatives that count as the same thing (synonyms)."""

    word: str
    synonyms: tuple[str, ...] = ()
    # Shorter words inside a compound (盐碱地改良 → 盐碱地, 改良), each with its own synonyms,
    # so a document that writes the parts apart still matches.
    parts: tuple["QueryTerm", ...] = ()

    @property
    def alternatives(self) -> tuple[str, ...]:
        return (self.word, *self.synonyms)


@dataclass
class AnalyzedQuery:
    raw: str
    text: str  # normalised, truncated
    terms: list[QueryTerm] = field(default_factory=list)
    # The Han characters of the query's words, a low-weight back-off: a document naming the
    # thing differently (河蟹 for 大闸蟹) still shares characters with the query.
    chars: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def all_words(self) -> list[str]:
        seen: dict[str, None] = {}
        for term in self.terms:
            for alt in term.alternatives:
                seen.setdefault(alt, None)
            for part in term.parts:
                for alt in part.alternatives:
                    seen.setdefault(alt, None)
        return list(seen)

    @property
    def match_words(self) -> list[str]:
        """What retrieval matches and counts document frequencies of: the words and the
        back-off characters."""
        return list(dict.fromkeys([*self.all_words, *self.chars]))


def analyze_query(raw: str, *, synonyms: Mapping[str, tuple[str, ...]]) -> AnalyzedQuery:
    """Normalise, segment, drop stop words and attach synonyms (the editors' map, see
    search.synonyms); safe on any input."""
    raw = (raw or "")[: MAX_QUERY_CHARS * 4]
    text = normalize(raw)[:MAX_QUERY_CHARS]
    stop = stopwords()
    tokens = words(text, normalized=True)
    kept = [t for t in tokens if t not in stop]
    if not kept:
        # A query of only stop words still means something ("需要"): keep it as typed.
        kept = tokens
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    for token in kept:
        if token in seen:
            continue
        seen.add(token)
        terms.append(
            QueryTerm(
                token,
                _synonyms_of(token, synonyms),
                tuple(QueryTerm(p, _synonyms_of(p, synonyms)) for p in compound_parts(token)),
            )
        )
    chars = tuple(
        dict.fromkeys(
            c for t in terms for alt in t.alternatives if len(alt) > 1 for c in _HAN.findall(alt)
        )
    )
    return AnalyzedQuery(raw=raw, text=text, terms=terms, chars=chars)


def _synonyms_of(word: str, synonyms: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(s for s in synonyms.get(word, ()) if s != word)


def compound_parts(word: str) -> list[str]:
    """The dictionary words of two or more characters inside a longer word."""
    if len(word) < 3 or not has_han(word):
        return []
    tok = tokenizer()
    parts = [w for w in tok.lcut_for_search(word) if w != word and len(w) >= 2 and is_word(w)]
    if not parts:
        parts = [w for w in tok.lcut(word, HMM=False) if w != word and len(w) >= 2]
    return list(dict.fromkeys(parts))


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def pinyin_forms(text: str) -> tuple[str, str]:
    """Full toneless pinyin and initials of a term: 含油污泥 → ("hanyouwuni", "hywn")."""
    text = normalize(text)
    syllables = [s for s in lazy_pinyin(text, errors="default") if s.strip()]
    full = "".join(re.sub(r"[^0-9a-z]", "", s) for s in syllables)
    initials = "".join(s[0] for s in syllables if s and s[0].isalnum())
    return full, initials


def suggestion_inputs(term: str) -> list[str]:
    """What a user may type to reach a term: the term itself, its pinyin and initials."""
    norm = normalize(term)
    if not norm:
        return []
    inputs = [norm]
    if has_han(norm):
        full, initials = pinyin_forms(norm)
        inputs += [x for x in (full, initials) if x and len(x) > 1]
    return list(dict.fromkeys(inputs))
