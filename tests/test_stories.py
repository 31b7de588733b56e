"""dedup/stories.py, the pure story assignment, on made-up texts (no database)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dedup.stories import (WINDOW, StoryIndex, StoryMember, idf, idf_of, idf_weights, is_name, is_number,
                           story_terms)

T0 = datetime(2024, 5, 6, 12, tzinfo=timezone.utc)

QUAKE_A = ("Quake shakes Lorvania coast", "A magnitude 5.7 earthquake struck the Lorvania coast near Port Zamir on "
           "Sunday, injuring 14 people and damaging homes, the Lorvania seismic agency said. Officials in Port Zamir "
           "said rescue teams were searching collapsed buildings.")
QUAKE_B = ("Earthquake injures 14 in Port Zamir", "Rescue teams in Port Zamir searched damaged buildings after a 5.7 "
           "magnitude earthquake hit the Lorvania coast on Sunday. The Lorvania seismic agency said 14 people were "
           "hurt.")
QUAKE_C = ("Aftershocks rattle Port Zamir", "Aftershocks rattled Port Zamir a day after the 5.7 earthquake on the "
           "Lorvania coast injured 14 people, the seismic agency said, as rescue teams cleared damaged homes.")
OTHER_QUAKE = ("Quake hits Dravik highlands", "A 6.2 tremor hit the Dravik highlands around Selmo on Thursday, "
               "killing 3 villagers, the Dravik geological service reported. Landslides blocked the roads to Selmo.")
RECIPE = ("Ten tips for a better sourdough", "Feed the starter the night before, keep the dough warm and give it "
          "time: good bread needs patience, flour, water and salt, and an oven hot enough for a crisp crust.")


def record(article_id: int, article: tuple[str, str], hours: float = 0.0, source: str = "outlet",
           story_id: int | None = None) -> StoryMember:
    title, text = article
    return StoryMember(article_id, story_id or article_id, frozenset(story_terms(title, text)), source,
                       T0 + timedelta(hours=hours))


def assign(index: StoryIndex, m: StoryMember) -> int:
    return index.assign(m.article_id, m.terms, m.source, m.seen_at)


def assign_all(records: list[StoryMember], weights: dict[str, float] | None = None) -> list[int]:
    index = StoryIndex(weights or idf_of(records))
    return [assign(index, r) for r in records]


def test_terms_keep_names_capitalised_and_other_words_and_numbers_lower_case():
    terms = story_terms(*QUAKE_A)
    assert {"Lorvania", "Port", "Zamir", "5.7", "14", "earthquake", "quake", "coast", "Sunday"} <= set(terms)
    assert not {"the", "said", "a", "and", "Officials"} & set(terms)  # stop words; capitalised only to start a sentence
    assert all(is_name(t) for t in ("Lorvania", "Zamir")) and not is_name("earthquake")


def test_title_words_are_never_names_on_their_own():
    terms = story_terms("Mayor Opens New Bridge Downtown", "The bridge opened on Monday after two years of work.")
    assert "bridge" in terms and "Bridge" not in terms and "mayor" in terms


def test_a_word_capitalised_only_at_the_start_of_a_sentence_is_not_a_name():
    terms = story_terms("", "However the council met. Voters were told that Elmsworth would vote again.")
    assert "Elmsworth" in terms and "However" not in terms and "however" not in terms


def test_plurals_and_possessives_fold_together():
    assert story_terms("", "the bridges") == story_terms("", "the bridge's") == ["bridge"]
    assert "crisis" in story_terms("", "the crisis deepened")


def test_years_are_plain_numbers_other_numbers_are_specific():
    assert is_number("5.7") and is_number("14") and not is_number("2024") and not is_number("rehab")


def test_coverage_of_one_event_by_several_outlets_is_one_story():
    records = [record(1, QUAKE_A, 0, "wire"), record(2, QUAKE_B, 2, "daily"), record(3, QUAKE_C, 20, "herald")]
    assert assign_all(records) == [1, 1, 1]


def test_a_similar_event_elsewhere_and_an_unrelated_article_start_their_own_stories():
    records = [record(1, QUAKE_A, 0), record(2, OTHER_QUAKE, 1, "daily"), record(3, RECIPE, 2, "food"),
               record(4, QUAKE_B, 3, "herald")]
    assert assign_all(records) == [1, 2, 3, 1]


def test_articles_outside_the_window_are_not_compared():
    late = WINDOW + timedelta(hours=1)
    records = [record(1, QUAKE_A, 0), record(2, QUAKE_B, late.total_seconds() / 3600, "daily")]
    assert assign_all(records) == [1, 2]


def test_a_known_article_given_by_the_prefetch_is_joined_by_a_new_one():
    index = StoryIndex(idf_of([record(1, QUAKE_A), record(2, QUAKE_B)]))
    index.add(record(1, QUAKE_A, -5, "wire", story_id=77))
    assert assign(index, record(2, QUAKE_B, 0, "daily")) == 77


def test_a_forgotten_article_no_longer_counts():
    index = StoryIndex(idf_of([record(1, QUAKE_A), record(2, QUAKE_B)]))
    index.add(record(1, QUAKE_A))
    index.forget(1)
    assert assign(index, record(2, QUAKE_B, 1, "daily")) == 2


def test_the_result_does_not_depend_on_how_the_known_articles_are_split():
    """Known articles given one by one as assigned, or all at once by the loader: the same stories."""
    records = [record(1, QUAKE_A, 0), record(2, OTHER_QUAKE, 1, "daily"), record(3, QUAKE_B, 2, "herald"),
               record(4, QUAKE_C, 5, "post")]
    weights = idf_of(records)
    online = assign_all(records, weights)
    first = StoryIndex(weights)
    head = [assign(first, r) for r in records[:2]]
    second = StoryIndex(weights)
    for r, story in zip(records[:2], head):
        second.add(StoryMember(r.article_id, story, r.terms, r.source, r.seen_at))
    assert head + [assign(second, r) for r in records[2:]] == online


def test_rare_terms_weigh_more_than_common_ones():
    weights = idf_weights(["earthquake", "Zamir", "unseen"], {"earthquake": 500, "Zamir": 2}, 5000)
    assert weights["unseen"] > weights["Zamir"] > weights["earthquake"] > 0
    assert idf(0, 3) == idf(0, 0)  # small windows read as large


def member(article_id: int, terms: str, hours: float, story_id: int | None = None) -> StoryMember:
    return StoryMember(article_id, story_id or article_id, frozenset(terms.split()), f"outlet{article_id}",
                       T0 + timedelta(hours=hours))


def test_the_threshold_rises_with_the_days_to_the_storys_nearest_member():
    """Cosine 0.3 (3 of 10 equally weighted words): the same story the same day, not two days apart
    (0.13 + 2 x 0.15 = 0.43 is needed then): pages on one subject spread over days."""
    first = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9"
    second = "w0 w1 w2 x3 x4 x5 x6 x7 x8 x9"
    weights = {t: 6.0 for t in (first + " " + second).split()}
    same_day = StoryIndex(weights)
    same_day.add(member(1, first, 0))
    assert assign(same_day, member(2, second, 3)) == 1
    days_apart = StoryIndex(weights)
    days_apart.add(member(1, first, 0))
    assert assign(days_apart, member(2, second, 48)) == 2


def test_a_story_kept_in_the_news_stays_open_through_its_newest_member():
    """44 hours after the first article alone (cosine 0.3 < 0.41 needed), but 4 hours after the story's newest."""
    weights = {t: 6.0 for t in "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 x3 x4 x5 x6 x7 x8 x9".split()}
    index = StoryIndex(weights)
    index.add(member(1, "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", 0))
    index.add(member(2, "w0 w1 w2 w3 w4 w5 w6 w7 x8 x9", 40, story_id=1))
    assert assign(index, member(3, "w0 w1 w2 x3 x4 x5 x6 x7 x8 x9", 44)) == 1


def test_an_article_close_to_one_member_of_a_larger_story_is_compared_with_the_whole_story():
    """The centroid of a story of four is what an article must resemble, not its closest member."""
    core = "a b c d e f g h"
    members = [member(1, core + " p q r s", 0)] + [member(i, core, 1, story_id=1) for i in (2, 3, 4)]
    article = member(5, "p q r s t u v w", 2)
    weights = {t: 6.0 for m in members + [article] for t in m.terms}
    alone = StoryIndex(weights)
    alone.add(members[0])
    assert assign(alone, article) == 1  # cosine 0.41 with the first member alone
    index = StoryIndex(weights)
    for m in members:
        index.add(m)
    assert assign(index, article) == 5  # 0.11 with the story's centroid


def test_a_story_sharing_only_common_words_is_not_a_candidate():
    """Words in many articles of the window (idf below KEY_IDF) still count in the cosine, but do
    not find stories: the prefetch looks up only the rare terms."""
    terms = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9"
    common = {t: 3.0 for t in terms.split()}
    index = StoryIndex(common)
    index.add(member(1, terms, 0))
    assert index.keys(terms.split()) == [] and assign(index, member(2, terms, 1)) == 2
    index = StoryIndex({**common, "w9": 6.0})
    index.add(member(1, terms, 0))
    assert index.keys(terms.split()) == ["w9"] and assign(index, member(2, terms, 1)) == 1
