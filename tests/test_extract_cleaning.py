"""Cleaning rules for the furniture that slips into the article text (teasers, credits, forms, prompts)."""

from __future__ import annotations

from extract.cleaning import clean_text
from extract.pruning import MarkedFurniture

STORY = "The city council voted on Friday to rebuild the river port damaged by the autumn storms."


def test_teasers_credits_and_form_messages_after_a_story_are_dropped():
    furniture = [
        "Also on rt.com Journalists threatened with sedition arrests as the interim government purges its rivals",
        "Plane passengers quarantined after outbreak [NEWS]", "Storm fears: council names eight flood zones [INSIGHT]|",
        "Jane Doe and John Roe contributed to this report.", "Mary Major contributed reporting from Lisbon.",
        "Have a tip? Jane Doe may be reached at jdoe@example.com. Follow her on Twitter @jdoe.",
        "Reach the reporters on Twitter at http://twitter.com/jdoe and http://twitter.com/jroe",
        "Write to Jane Doe at jane.doe@example.com",
        "Thanks for signing up!", "There was an error processing your subscription.",
        "Keep an eye on your inbox for the latest news.", "An error has occurred, please try again later.",
        "Like this story? Share it with a friend!", "Subscribe to the Port News YouTube Channel for the latest videos!",
        "This copy is for your personal, non-commercial use only. To order presentation-ready copies for distribution "
        "to your colleagues, clients or customers visit the reprints desk.",
        "You may also like...", "Most read in world news", "Popular on Port News", "Explore further",
        "SEE MORE: Storm damage in pictures",
        "This document is subject to copyright. Apart from any fair dealing for the purpose of private study or "
        "research, no part may be reproduced without the written permission.",
        "Citation: Port to be rebuilt (2019, November 18) retrieved 20 November 2019 from https://example.com/news/port",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
        "| viewed_cookie_policy | 11 months | The cookie is set by the consent plugin to store the user's choice. |",
        "https://example.com/assets/images/logo.png",
        "Editor’s Note: This article also appeared in the May issue of Port Monthly magazine.",
        "Was this newsletter forwarded to you? Sign up to get it in your inbox.",
        "Is this email not displaying correctly? View it in your browser.",
        "Unlock this article — plus in-depth analysis, newsletters and news alerts.",
        "Become a paid subscriber to Port News to unlock this piece and learn about:",
        "The views expressed by the authors of this blog are their own and do not necessarily reflect the views of "
        "Port News.",
        "Necessary cookies are absolutely essential for the website to function properly.",
        "The quays after the storm. Picture: Getty",
        "You may also be interested in the following articles:", "Article Tags",
        "Want more like this? The best way to support my work is to share it.",
        "Get Port Monthly delivered through your letterbox every month. 12 issues for £11.99.",
        "[button link=”https://example.com/submit/” type=”big”] Send us YOUR story[/button]",
        "(Leggi anche su: Il porto sarà ricostruito –FOTO)", "Tell us what YOU think...",
        "Get the latest port news right in your inbox. Subscribe to our newsletters.",
        "The new quay, seen from the lighthouse, photos © Jane Doe, 2018",
        "copyright Port Monthly 2019 - ISSN: 1234-5678",
        "First Published on Nov 20, 2019 01:38 pm", "Last updated: 21 November 2019",
        "By signing up, you agree to receive recurring automated text messages from Port News. Msg and data rates "
        "may apply. Reply STOP to opt out.",
        "By providing your number you agree to receive recurring text messages. Msg & data rates may apply.",
        "Reply Help for more information. You can reply STOP to opt-out of further messaging.",
        "The quays at dawn. Credit: Jane Doe", "The new crane. Photo by: 'John Roe'.", "Photo courtesy of Port Authority",
        "4 MIN. READ", "Nov 11, 2022 • 6 Minute Read", "Table of contents:",
        "Prices were accurate at the time this article was published but may change over time.",
        "Last updated on September 16th, 2023 at 09:27 am", "January 22nd, 2019",
    ]
    assert clean_text("\n".join([STORY, *furniture])) == STORY


def test_prose_that_looks_like_those_teasers_and_credits_survives():
    lines = [
        "The mayor said the port was also on the agenda of the regional council.",
        "Residents contributed to the fund, and the report was published on Monday.",
        "The Python snippet reads the value with row[KEY] before the loop.",
        "Thanks for the warning, she told the harbour master, before the ship left.",
        "Most of the docks were flooded, and popular cafés on the quay closed for a week.",
        "The magazine printed 12 issues for its readers in the port last year.", "Leggi anche",
        "Copyright law of 2019 lets the port reuse the photos. The council agreed.",
        "By signing the lease, the council agreed to pay for the repairs.",
        "The port needs money. Credit: the council will borrow it.", "The 3rd quay, at last",
    ]
    assert clean_text("\n".join(lines)) == "\n\n".join(lines)


def test_a_bio_of_the_byline_after_the_story_is_dropped_with_the_lines_after_it():
    bios = ["Jane Doe is a freelance writer based in Lisbon. She covers ports and shipping.",
            "When she is not writing, she sails the coast of Portugal."]
    text = "\n".join([STORY, "The works start in May.", *bios])
    assert clean_text(text, authors=["Jane Doe"]) == f"{STORY}\n\nThe works start in May."


def test_the_bylines_name_in_the_story_or_an_organisations_name_keeps_the_line():
    lines = [STORY, "Jane Doe is a harbour pilot who has worked in the port for 30 years, she told the council.",
             "The works start in May.", "Acme is already planning the new quays."]
    assert clean_text("\n".join(lines[1:]), authors=["Jane Doe"]) == "\n\n".join(lines[1:])
    assert clean_text("\n".join(lines), authors=["Acme"]) == "\n\n".join(lines)


def test_the_standfirst_is_dropped_from_the_opening_lines_only():
    standfirst = "Here is how the port will be rebuilt, and who will pay for it."
    furniture = MarkedFurniture(standfirsts=(standfirst,))
    assert clean_text(f"{standfirst}\n{STORY}", furniture=furniture) == STORY
    late = "\n".join([STORY, "The works start in May.", "The mayor spoke on Friday.", standfirst])
    assert clean_text(late, furniture=furniture) == late.replace("\n", "\n\n")


def test_an_address_opening_the_text_is_dropped_and_a_sites_address_kept():
    assert clean_text(f"https://example.com/news/port-to-be-rebuilt-123.php\n{STORY}") == STORY
    assert clean_text(f"https://example.com\n{STORY}") == f"https://example.com\n\n{STORY}"


def test_a_link_teaser_is_dropped_wherever_it_stands():
    teaser = "STORM DAMAGE: SEE THE HARBOUR FROM THE AIR"
    text = "\n".join([STORY, teaser, "The works start in May."])
    assert clean_text(text, furniture=MarkedFurniture(link_teasers=(teaser,))) == f"{STORY}\n\nThe works start in May."


def test_a_boxed_text_is_dropped_unless_the_text_is_mostly_boxed():
    boxed = MarkedFurniture(boxed=("Sign up for our weekly digest", "Free shipping on orders over $40"))
    text = "\n".join([STORY, "Free shipping on orders over $40", "The works start in May."])
    assert clean_text(text, furniture=boxed) == f"{STORY}\n\nThe works start in May."
    assert clean_text("Free shipping on orders over $40\nIt ends soon.", furniture=boxed) == \
        "Free shipping on orders over $40\n\nIt ends soon."


def test_a_related_stories_heading_in_the_second_half_ends_the_text_unless_a_paragraph_follows():
    story = [STORY, "The works start in May.", "The mayor spoke on Friday.", "The port reopens in 2026."]
    teasers = ["Related articles:", "New bridge opens over the river", "Harbour fees to rise next year"]
    assert clean_text("\n".join(story + teasers)) == "\n\n".join(story)
    early = ["Further reading", *story]
    assert clean_text("\n".join(early)) == "\n\n".join(early)
    paragraph = " ".join([STORY] * 4)
    inline = [*story, "Related articles:", paragraph]
    assert clean_text("\n".join(inline)) == "\n\n".join(story + [paragraph])


def test_a_repeated_paragraph_is_kept_once_but_repeated_labels_stay():
    quote = "The council will vote on the plan again next spring, the mayor told reporters."
    plan = ["Eating Plan A", "Pre-Workout Meal", "Eggs and asparagus.", quote,
            "Eating Plan B", "Pre-Workout Meal", "Oats and berries.", quote]
    assert clean_text("\n".join(plan)).split("\n\n") == plan[:-1]


def test_a_repeated_paragraph_the_markup_sets_as_a_structured_texts_entry_stays():
    entry = "Serving: 1 cup rice, 1 tsp. olive oil, 4 oz. cooked chicken."
    plan = ["Plan A", "Lunch", entry, "Plan B", "Lunch", entry]
    assert clean_text("\n".join(plan), furniture=MarkedFurniture(repeated_items=(entry,))).split("\n\n") == plan


def test_a_label_the_markup_marks_is_dropped_wherever_it_stands():
    stamp, tags = "segunda-feira, 22 de janeiro de 2018 às 0:13", "port works river bridge harbour"
    text = "\n".join([stamp, STORY, "port works, river bridge, harbour", "The works start in May."])
    assert clean_text(text, furniture=MarkedFurniture(labels=(stamp, tags))) == f"{STORY}\n\nThe works start in May."
