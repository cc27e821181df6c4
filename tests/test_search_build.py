"""Index build: the two-process symptom analysis gives exactly what one process gives."""

from __future__ import annotations

import numpy as np
import pytest
from errata.models import IndexDocument
from errata.search import analyze, score
from errata.search.build import build_state
from errata.search.snapshot import Snapshot

TEXTS = [
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, timeout 30.00",
    "RuntimeError: can't start new thread",
    "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [semacquire]:\n"
    "sync.runtime_Semacquire(0xc0000160a8)\nsync.(*WaitGroup).Wait(0xc0000160a0)",
    "TypeError: 'coroutine' object is not subscriptable",
    "Workers queue up with increasing latency despite low CPU usage",
] * 40


def test_analysis_in_a_second_process_matches_analysis_in_this_one() -> None:
    alone = analyze.analyse(TEXTS)
    split = analyze.analyse_all(TEXTS, min_parallel=1)  # forces the child process
    assert split == alone
    assert len(split) == len(TEXTS)
    assert split[0][0][:2] == ("sqlalchemy.exc.timeouterror", "timeouterror")


def test_a_failing_child_falls_back_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze, "_CHILD", "import sys; sys.exit(3)")
    assert analyze.analyse_all(TEXTS, min_parallel=1) == analyze.analyse(TEXTS)


def test_built_state_keeps_every_row_and_its_tokens_in_order() -> None:
    docs = [
        IndexDocument(
            id=f"e{i}",
            title=f"Title number {i} about pools",
            symptoms=TEXTS[i : i + 3],
            languages=["python"] if i % 2 else [],
            frameworks=[],
            tags=[],
            origin="curated",
            verified=False,
        )
        for i in range(5)
    ]
    state = build_state(docs, revision=7)
    assert list(state.ids) == [d.id for d in docs]
    assert state.row_start.tolist() == [0, 4, 8, 12, 16, 20]  # three symptoms and a title each
    first = state.row_tokens[state.token_start[0] : state.token_start[1]].tolist()
    expected = list(dict.fromkeys(analyze.analyse(TEXTS[:1])[0][0]))
    assert [state.tokens_by_id[i] for i in first] == expected
    assert state.languages["python"].tolist() == [True] * 5  # agnostic entries always pass
    assert state.languages[""].tolist() == [True, False, True, False, True]


def test_a_small_mains_row_texts_are_joined_once_as_the_similarity_joins_them() -> None:
    docs = [
        IndexDocument(
            id=f"e{i}",
            title=f"Title {i} about pools",
            symptoms=TEXTS[i : i + 3],
            languages=[],
            frameworks=[],
            tags=[],
            origin="curated",
            verified=False,
        )
        for i in range(5)
    ]
    snapshot = Snapshot.of(build_state(docs, revision=1))
    rows = snapshot.gather(list(range(5)))
    joined: dict[int, str] = {}
    score._similarity(rows, snapshot.tokens_by_id, ["pool"], np.ones(len(rows.rows), bool), joined)
    assert len(joined) == 20
    assert snapshot.row_words == joined
    assert Snapshot.of(snapshot.main).row_words == joined  # joined once per main: shared


def test_bm25_matrix_scores_what_bm25s_scores_for_the_same_corpus() -> None:
    import bm25s
    import numpy as np
    from errata.search.bm25 import bm25_matrix, idf, top_k

    corpus = [[0, 1, 1, 2], [2, 3], [4, 0, 0, 0, 5, 1], [5], [3, 3, 2, 6, 7]]
    reference = bm25s.BM25().build_index_from_ids(
        unique_token_ids=list(range(8)), corpus_token_ids=corpus, show_progress=False
    )
    flat = np.asarray([t for doc in corpus for t in doc], dtype=np.int32)
    ends = np.cumsum([len(doc) for doc in corpus])
    ours = bm25_matrix(flat, ends, 8)
    idfs = idf(np.diff(ours["indptr"]), len(corpus))
    assert ours["indptr"].tolist() == reference["indptr"].tolist()
    for token in range(8):
        lo, hi = ours["indptr"][token], ours["indptr"][token + 1]
        scores = (ours["data"][lo:hi] * idfs[token]).tolist()
        mine = dict(zip(ours["indices"][lo:hi].tolist(), scores, strict=True))
        pairs = zip(
            reference["indices"][lo:hi].tolist(), reference["data"][lo:hi].tolist(), strict=True
        )
        theirs = dict(pairs)
        assert mine.keys() == theirs.keys()
        assert np.allclose(list(mine.values()), [theirs[d] for d in mine], rtol=1e-5)
    assert top_k(ours, [0, 1], 2, None, idfs) == [0, 2]  # 0.33 + 0.48 beats 0.50 + 0.27
    assert top_k(ours, [0, 1], 2, np.asarray([True, True, False, True, True]), idfs) == [0]


def test_the_helpers_compact_answer_unpacks_to_the_same_analyses() -> None:
    texts = [*TEXTS[:5], "0x7f3a2c004e28", "   ", "ValueError"]
    assert list(analyze.unpack_flat(analyze.pack_flat(texts))) == analyze.analyse(texts)
    assert analyze.analyse(["0x7f3a2c004e28"])[0][0] == ()  # a line with no token survives


def test_a_parallel_build_records_the_helpers_own_peak_memory() -> None:
    analysis = analyze.Analysis(TEXTS, min_parallel=1)
    assert [analysis.next() for _ in TEXTS] == analyze.analyse(TEXTS)
    assert 10 < analysis.helper_peak_mb < 1024


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_top_k_finds_the_best_entries_a_full_sort_finds(seed: int) -> None:
    import numpy as np
    from errata.search.bm25 import bm25_matrix, idf, top_k_scored

    rng = np.random.default_rng(seed)
    docs = [rng.zipf(1.6, size=rng.integers(1, 30)) % 300 for _ in range(2_000)]
    flat = np.concatenate(docs).astype(np.int32)
    matrix = bm25_matrix(flat, np.cumsum([len(d) for d in docs]), 300)
    idfs = idf(np.diff(matrix["indptr"]), len(docs))
    allowed = rng.random(len(docs)) < 0.7
    for tokens in (sorted({int(t) for t in rng.integers(0, 40, size=9)}), [0, 1, 2]):
        found, scores = top_k_scored(matrix, tokens, 12, allowed, idfs)
        summed = np.zeros(len(docs))
        for t in tokens:
            lo, hi = matrix["indptr"][t], matrix["indptr"][t + 1]
            summed[matrix["indices"][lo:hi]] += matrix["data"][lo:hi] * idfs[t]
        summed[~allowed] = 0.0
        expected = sorted(np.flatnonzero(summed).tolist(), key=lambda d: (-summed[d], d))[:12]
        assert found == expected and np.allclose(scores, summed[found], rtol=1e-5)
