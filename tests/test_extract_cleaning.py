"""Cleaning rules for the furniture that slips into the article text (teasers, credits, forms, prompts)."""

from __future__ import annotations

from extract.cleaning import clean_text

STORY = "The city council voted on Friday to rebuild the river port damaged by the autumn storms."


def test_teasers_credits_and_form_messages_after_a_story_are_dropped():
    furniture = [
        "Also on rt.com Journalists threatened with sedition arrests as the interim government purges its rivals",
        "Plane passengers quarantined after outbreak [NEWS]", "Storm fears: council names eight flood zones [INSIGHT]|",
        "Jane Doe and John Roe contributed to this report.", "Mary Major contributed reporting from Lisbon.",
        "Have a tip? Jane Doe may be reached at jdoe@example.com. Follow her on Twitter @jdoe.",
        "Reach the reporters on Twitter at http://twitter.com/jdoe and http://twitter.com/jroe",
        "Thanks for signing up!", "There was an error processing your subscription.",
        "Keep an eye on your inbox for the latest news.", "An error has occurred, please try again later.",
        "Like this story? Share it with a friend!", "Subscribe to the Port News YouTube Channel for the latest videos!",
        "This copy is for your personal, non-commercial use only. To order presentation-ready copies for distribution "
        "to your colleagues, clients or customers visit the reprints desk.",
        "You may also like...", "Most read in world news", "Popular on Port News", "Explore further",
    ]
    assert clean_text("\n".join([STORY, *furniture])) == STORY


def test_prose_that_looks_like_those_teasers_and_credits_survives():
    lines = [
        "The mayor said the port was also on the agenda of the regional council.",
        "Residents contributed to the fund, and the report was published on Monday.",
        "The Python snippet reads the value with row[KEY] before the loop.",
        "Thanks for the warning, she told the harbour master, before the ship left.",
        "Most of the docks were flooded, and popular cafés on the quay closed for a week.",
    ]
    assert clean_text("\n".join(lines)) == "\n\n".join(lines)
