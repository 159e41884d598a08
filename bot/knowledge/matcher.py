"""FAQ index and matcher.

For every phrasing the index keeps its normalised text, its sound-alike codes (see
``phonetic``) and its words (jieba). A question is scored against a short list of candidate
phrasings found through an inverted index of sound-alike bigrams, on three channels:

* characters: rapidfuzz similarity of the normalised texts;
* sound: the same on the sound-alike codes, so 幼耳园 = 幼儿园 and 居主证 = 居住证;
* words: IDF-weighted overlap of the words (compared by sound).

The entry's score is the best fused score over its phrasings, multiplied by a topic gate:
the *content* of the question (its words minus generic ones such as 几点 开门 在哪里) must be
covered by the entry's own vocabulary (its questions, and with less weight its answer).
Content the whole FAQ has never heard of (银行, 驾照, 火车站 …) weighs the most, so a question
about something else is not answered on the strength of 几点开门 alone, without any list of
off-topic nouns. The lexicon may still name off-topic words; they count as twice as foreign.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .model import Entry, Match
from .normalize import Lexicon, Normalizer
from .phonetic import codes
from .segment import Segmenter

__all__ = ["Index", "Analysis", "Settings"]


@dataclass(frozen=True)
class Settings:
    answer_threshold: float = 62.0  # best score needed to answer outright
    answer_margin: float = 7.0  # … and its lead over the next entry
    clarify_threshold: float = 48.0  # below this nothing is offered
    clarify_window: float = 12.0  # entries this close to the best are offered as choices
    candidates: int = 80  # phrasings scored in full per question
    w_char: float = 0.25
    w_sound: float = 0.35
    w_words: float = 0.40
    generic_weight: float = 0.25  # weight of a generic word in the word channel
    answer_vocab_credit: float = 0.5  # content found only in the answer counts this much
    gate_full: float = 0.6  # coverage from which the gate no longer penalises
    gate_power: float = 1.5


@dataclass
class Analysis:
    """A text as the matcher sees it."""

    normalized: str
    codes: str
    tokens: list[str]  # words of the normalised text
    token_codes: list[str]
    generic_mask: list[bool]  # per token: says nothing about the topic


def _bigrams(s: str) -> list[str]:
    return [s[i : i + 2] for i in range(len(s) - 1)]


class Index:
    def __init__(
        self,
        entries: Sequence[Entry],
        lexicon: Lexicon,
        normalizer: Normalizer,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.normalize = normalizer
        self.entries = list(entries)
        domain = {normalizer(w) for w in lexicon.domain_words} - {""}
        self.segmenter = Segmenter(domain)
        self.generic = {normalizer.fold(w) for w in lexicon.generic} | {
            normalizer(w) for w in lexicon.generic
        }
        self.generic.discard("")
        self._off_topic_units: set[str] = set()
        for word in lexicon.off_topic:
            c = codes(normalizer(word))
            self._off_topic_units.update(_bigrams(c) if len(c) >= 2 else [c])
        self._off_topic_units.discard("")

        self.p_entry: list[int] = []
        self.p_norm: list[str] = []
        self.p_codes: list[str] = []
        self.p_tokens: list[dict[str, float]] = []  # token code → weight, filled after IDF
        self.p_weight: list[float] = []
        self.exact: dict[str, int] = {}  # normalised phrasing → entry index
        self.exact_codes: dict[str, int] = {}

        p_analyses: list[Analysis] = []
        entry_q_units: list[set[str]] = []
        entry_a_units: list[set[str]] = []
        tok_df: Counter[str] = Counter()
        unit_df: Counter[str] = Counter()
        for ei, entry in enumerate(self.entries):
            q_units: set[str] = set()
            q_toks: set[str] = set()
            for question in entry.questions:
                a = self.analyze(question)
                if not a.normalized:
                    continue
                self.p_entry.append(ei)
                self.p_norm.append(a.normalized)
                self.p_codes.append(a.codes)
                p_analyses.append(a)
                self.exact.setdefault(a.normalized, ei)
                self.exact_codes.setdefault(a.codes, ei)
                q_units |= self._vocab_units(a)
                q_toks |= set(a.token_codes)
            a_units = self._vocab_units(self.analyze(entry.answer)) - q_units
            entry_q_units.append(q_units)
            entry_a_units.append(a_units)
            unit_df.update(q_units | a_units)
            tok_df.update(q_toks)
        self.entry_q_units = entry_q_units
        self.entry_a_units = entry_a_units

        n = max(1, len(self.entries))
        self._n = n
        self.unit_idf = {u: math.log((n + 1) / (df + 0.5)) for u, df in unit_df.items()}
        self.unit_idf_unseen = math.log((n + 1) / 0.5)
        self.tok_idf = {t: math.log((n + 1) / (df + 0.5)) + 0.5 for t, df in tok_df.items()}
        self.tok_idf_unseen = math.log((n + 1) / 0.5) + 0.5
        for a in p_analyses:
            weights = self._token_weights(a)
            self.p_tokens.append(weights)
            self.p_weight.append(sum(weights.values()))

        postings: dict[str, list[int]] = defaultdict(list)
        for pid, c in enumerate(self.p_codes):
            for bg in set(_bigrams(c)) or {c}:
                postings[bg].append(pid)
        self.postings = dict(postings)
        self._skip_df = max(200, len(self.p_codes) // 10)

    # -- analysis ---------------------------------------------------------------------------
    def analyze(self, text: str) -> Analysis:
        norm = self.normalize(text)
        tokens = self.segmenter.cut(norm)
        token_codes = [codes(t) for t in tokens]
        generic = [t in self.generic or t.isdigit() for t in tokens]
        return Analysis(norm, "".join(token_codes), tokens, token_codes, generic)

    def _content_runs(self, a: Analysis) -> list[str]:
        """Code strings of the content of ``a``: adjacent single-character words are joined so
        that a typo that jieba cut into characters (幼|耳|园) still forms its bigrams."""
        runs: list[str] = []
        run = ""
        for tc, generic in zip(a.token_codes, a.generic_mask):
            if generic:
                if run:
                    runs.append(run)
                run = ""
            elif len(tc) == 1:
                run += tc
            else:
                if run:
                    runs.append(run)
                    run = ""
                runs.append(tc)
        if run:
            runs.append(run)
        return runs

    def _units_of_runs(self, runs: list[str]) -> list[str]:
        units: list[str] = []
        for r in runs:
            units.extend(_bigrams(r) if len(r) >= 2 else [r])
        return units

    def _vocab_units(self, a: Analysis) -> set[str]:
        """Everything an entry 'knows': all bigrams and characters of its words, content or not."""
        out: set[str] = set()
        for tc in a.token_codes:
            out.update(tc)
            out.update(_bigrams(tc))
        out.update(_bigrams(a.codes))
        return out

    def _token_weights(self, a: Analysis) -> dict[str, float]:
        weights: dict[str, float] = {}
        g = self.settings.generic_weight
        for tc, generic in zip(a.token_codes, a.generic_mask):
            w = self.tok_idf.get(tc, self.tok_idf_unseen)
            if generic:
                w *= g
            weights[tc] = max(weights.get(tc, 0.0), w)
        return weights

    # -- matching ---------------------------------------------------------------------------
    def _candidates(self, qcodes: str) -> list[int]:
        k = self.settings.candidates
        if len(self.p_codes) <= k:
            return list(range(len(self.p_codes)))
        grams = set(_bigrams(qcodes)) or {qcodes}
        lists = [self.postings.get(g, ()) for g in grams]
        informative = [lst for lst in lists if 0 < len(lst) <= self._skip_df]
        if not informative:  # only very common bigrams: use the rarest few
            informative = sorted((lst for lst in lists if lst), key=len)[:3]
        counts: Counter[int] = Counter()
        for lst in informative:
            counts.update(lst)
        return [pid for pid, _ in counts.most_common(k)]

    def coverage(self, content_units: list[str], ei: int) -> float:
        if not content_units:
            return 1.0
        q_units = self.entry_q_units[ei]
        a_units = self.entry_a_units[ei]
        credit = self.settings.answer_vocab_credit
        total = covered = 0.0
        for u in content_units:
            w = self.unit_idf.get(u, self.unit_idf_unseen)
            if u in self.off_topic_units:
                w *= 2
            total += w
            if u in q_units:
                covered += w
            elif u in a_units:
                covered += w * credit
        return covered / total if total else 1.0

    @property
    def off_topic_units(self) -> set[str]:
        return self._off_topic_units

    def score_all(self, text: str) -> tuple[Analysis, list[tuple[float, int]]]:
        """(analysis, [(score, entry index)] best first) — exposed for tuning and tests."""
        s = self.settings
        a = self.analyze(text)
        if not a.normalized:
            return a, []
        q_weights = self._token_weights(a)
        q_weight = sum(q_weights.values())
        content_units = self._units_of_runs(self._content_runs(a))
        best: dict[int, float] = {}
        exact_ei = self.exact.get(a.normalized)
        if exact_ei is None:
            exact_ei = self.exact_codes.get(a.codes)
        if exact_ei is not None:
            best[exact_ei] = 100.0
        qn, qc = a.normalized, a.codes
        for pid in self._candidates(qc):
            ei = self.p_entry[pid]
            s_char = fuzz.ratio(qn, self.p_norm[pid])
            s_sound = fuzz.ratio(qc, self.p_codes[pid])
            p_weights = self.p_tokens[pid]
            overlap = sum(w for t, w in q_weights.items() if t in p_weights)
            overlap += sum(w for t, w in p_weights.items() if t in q_weights)
            denom = q_weight + self.p_weight[pid]
            s_words = 100.0 * overlap / denom if denom else 0.0
            fused = s.w_char * s_char + s.w_sound * s_sound + s.w_words * s_words
            if fused > best.get(ei, -1.0):
                best[ei] = fused
        scored: list[tuple[float, int]] = []
        for ei, raw in best.items():
            cov = self.coverage(content_units, ei)
            gate = min(1.0, cov / s.gate_full) ** s.gate_power if s.gate_full > 0 else 1.0
            scored.append((raw * gate, ei))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return a, scored

    def match(self, text: str) -> Match:
        s = self.settings
        a, scored = self.score_all(text)
        if not scored:
            return Match("unknown", (), 0.0, a.normalized)
        top, top_ei = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        top = round(top, 1)
        if top >= s.answer_threshold and top - second >= s.answer_margin:
            return Match("answer", (self.entries[top_ei],), top, a.normalized)
        if top >= s.clarify_threshold:
            close = [
                self.entries[ei]
                for sc, ei in scored[:3]
                if sc >= s.clarify_threshold and top - sc <= s.clarify_window
            ]
            if len(close) >= 2:
                return Match("clarify", tuple(close), top, a.normalized)
            if top >= s.answer_threshold:
                return Match("answer", (self.entries[top_ei],), top, a.normalized)
        return Match("unknown", (), top, a.normalized)

    def entry_index(self) -> Mapping[str, Entry]:
        return {e.id: e for e in self.entries}
