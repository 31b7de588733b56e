"""bench/metrics.py on hand-made examples whose scores are worked out by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bench import metrics


def test_shingles_of_short_and_long_texts():
    assert metrics.shingles("") == {}
    assert metrics.shingles("one, two") == {("one", "two"): 1}
    assert metrics.shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert metrics.shingles("A b c d") != metrics.shingles("a b c d")  # case matters, as in the benchmark


def test_shingle_counts_are_normalised_per_page():
    gold = "a b c d e f"  # shingles abcd bcde cdef
    predicted = "a b c d e x y"  # abcd bcde cdex dexy
    tp, fp, fn = metrics.shingle_counts(gold, predicted)
    assert (tp, fp, fn) == pytest.approx((2 / 5, 2 / 5, 1 / 5))
    assert metrics.shingle_counts("", "") == (0.0, 0.0, 0.0)
    assert metrics.shingle_counts("a b c d", "") == (0.0, 0.0, 1.0)


def test_shingle_scores_average_precision_and_recall_then_f1():
    perfect = metrics.shingle_counts("a b c d e", "a b c d e")
    half = metrics.shingle_counts("a b c d e f", "a b c d e x y")  # P = 1/2, R = 2/3
    missed = metrics.shingle_counts("a b c d", "")  # no prediction: left out of precision, recall 0
    scores = metrics.shingle_scores([perfect, half, missed])
    assert scores.precision == pytest.approx((1 + 1 / 2) / 2)
    assert scores.recall == pytest.approx((1 + 2 / 3 + 0) / 3)
    p, r = scores.precision, scores.recall
    assert scores.f1 == pytest.approx(2 * p * r / (p + r))


def test_bag_of_words():
    s = metrics.bag_of_words("The cat sat on the mat", "the cat, the CAT")
    # gold: the×2 cat sat on mat (6); predicted: the×2 cat×2 (4); overlap the×2 + cat = 3
    assert (s.precision, s.recall) == pytest.approx((3 / 4, 3 / 6))
    assert s.f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)
    assert metrics.bag_of_words("", "").f1 == 1.0
    assert metrics.bag_of_words("words here", "").f1 == 0.0
    mean = metrics.mean_scores([metrics.Scores(1, 1, 1), metrics.Scores(0.5, 0, 0)])
    assert (mean.precision, mean.recall, mean.f1) == (0.75, 0.5, 0.5)


def test_title_must_be_the_headline_alone():
    assert metrics.same_title("Kherson celebrates – again", "kherson  celebrates - again")
    assert metrics.same_title("Don’t panic", "Don't panic")
    assert not metrics.same_title("Kherson celebrates", "Kherson celebrates | Express.co.uk")
    assert not metrics.same_title("Kherson celebrates", None)


def test_author_found():
    assert metrics.author_found("Jane Doe", ["John Roe", "jane doe"])
    assert metrics.author_found("Dylan Bailey, MS, RD", ["Dylan Bailey"])
    assert metrics.author_found("Ana Ruiz | The Texas Newsroom", ["Ana Ruiz"])
    assert metrics.author_found("Jane Doe and John Roe", ["John Roe", "Jane Doe"])
    assert not metrics.author_found("Jane Doe and John Roe", ["Jane Doe", "Someone Else"])
    assert not metrics.author_found("Jane Doe", ["Jane"])
    assert not metrics.author_found("Jane Doe", [])


def test_same_day():
    late = datetime(2022, 11, 11, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert metrics.same_day("2022-11-11", late)  # the page's own day, not UTC's
    assert metrics.same_day("2022-11-11", "2022-11-11T23:30:00-05:00")
    assert not metrics.same_day("2022-11-11", "2022-11-12")
    assert not metrics.same_day("2022-11-11", None)


def test_snippet_present():
    assert metrics.snippet_present("Skip to  content", "Menu\nSkip to content\nText")
    assert not metrics.snippet_present("Skip to content", "skip to content")
    assert not metrics.snippet_present("", "anything")


def test_labelled_author_found_takes_any_labelled_name():
    assert metrics.labelled_author_found("Fiona Bornhöft und Mariam Hofbeck", ["Mariam Hofbeck"])
    assert metrics.labelled_author_found("Sarah Hinger; Sylvia Torres-Guillén", ["sarah hinger"])
    assert metrics.labelled_author_found(["Adam Vidler", "AP"], ["AP"])
    assert metrics.labelled_author_found("Dylan Bailey, MS, RD", ["Dylan Bailey"])
    assert not metrics.labelled_author_found("Jane Doe", ["Jane", "Doe Jane"])
    assert not metrics.labelled_author_found(["Jane Doe"], [])


def test_texts_are_compared_in_one_unicode_normal_form():
    composed, decomposed = "Grüße für alle", "Grüße für alle"
    assert metrics.bag_of_words(decomposed, composed).f1 == 1.0
    assert metrics.snippet_rate([decomposed], composed) == 1.0
    assert metrics.shingle_counts(composed, decomposed) == (1.0, 0.0, 0.0)
    # soft hyphens are invisible: some labels keep the page's, some drop them
    hyphenated = "Die Ver\u00adfas\u00adsungs\u00adbe\u00adschwerde ist eingelegt"
    assert metrics.bag_of_words(hyphenated, "Die Verfassungsbeschwerde ist eingelegt").f1 == 1.0
    assert metrics.snippet_rate([hyphenated], "Die Verfassungsbeschwerde ist eingelegt.") == 1.0
    assert metrics.same_title("Genesenen\u00ad\u00adnachweise", "Genesenennachweise")


def test_snippet_rate_is_per_page_and_case_insensitive():
    assert metrics.snippet_rate(["Skip to  Content", "absent"], "menu skip to content") == 0.5
    assert metrics.snippet_rate([], "anything") is None
    assert metrics.snippet_rate(["x"], None) == 0.0


@pytest.mark.parametrize("written", [
    "<time>2020-03-05T10:00</time>", "/2020/03/05/story", "am 5.3.2020", "05/03/20", "3/5/2020",
    "5. März 2020", "March 5th, 2020", "5 de marzo de 2020", "5 mars 2020", "2020年3月5日", "id 20200305-x",
])
def test_day_written_in_many_forms(written):
    assert metrics.day_written("2020-03-05", f"<p>{written}</p>")


@pytest.mark.parametrize("other", ["2020-03-15", "15.3.2020", "March 25, 2020", "12020-03-051", "5. März 2021"])
def test_day_written_needs_that_day(other):
    assert not metrics.day_written("2020-03-05", f"<p>{other}</p>")
