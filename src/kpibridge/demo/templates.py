"""What customers write: themes, sentence templates and the phrases that fill them.

A template is a sentence with up to two slots — ``{product}``, ``{detail}`` (one of the
template's own phrases) and ``{days}`` — and a polarity (−1 complaint, 0 mixed, +1 praise)
that drives the rating or score that goes with it. Each theme (delivery, product quality,
sizing/fit, price/value, customer service, website/app, praise) has several templates, for
reviews (about a product) and for survey comments (about the experience).

Only delivery templates mention delivery: no other template, detail, opener, closer or
product contains the words in ``DELIVERY_WORDS``, so a keyword count recovers the delivery
theme exactly (planted effect 5).
"""

from __future__ import annotations

from dataclasses import dataclass

THEMES = ("delivery", "quality", "sizing", "value", "service", "website", "praise")
DELIVERY, QUALITY, SIZING, VALUE, SERVICE, WEBSITE, PRAISE = range(len(THEMES))
#: Words that mark a text as being about delivery (checked by the tests, usable by analyses).
DELIVERY_WORDS = (
    "delivery",
    "delivered",
    "shipping",
    "shipped",
    "courier",
    "package",
    "parcel",
    "arrived",
    "late",
    "lost",
    "damaged",
    "tracking",
)
#: The values of the ``{days}`` slot.
DAYS = tuple(str(days) for days in range(2, 15))


@dataclass(frozen=True)
class Template:
    """One sentence pattern of a theme, its polarity and the phrases its ``{detail}`` takes."""

    text: str
    polarity: int
    details: tuple[str, ...] = ()


def _t(text: str, polarity: int, *details: str) -> Template:
    return Template(text, polarity, details)


REVIEW_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "delivery": (
        _t("My {product} arrived {days} days late and the box was crushed.", -1),
        _t(
            "The package was lost for over a week, {detail}.",
            -1,
            "support had to send a replacement",
            "still waiting on the refund",
            "had to chase the courier twice",
        ),
        _t(
            "The {product} showed up damaged. {detail}.",
            -1,
            "The outer box was torn open",
            "Clearly dropped in transit",
            "Returned it",
        ),
        _t(
            "Delivery took almost two weeks instead of three days. {detail}.",
            -1,
            "Missed my weekend trip",
            "Not acceptable",
            "Shipping updates were useless",
        ),
        _t("Tracking said delivered, but nothing came for {days} days.", -1),
        _t("The courier left the parcel in the rain and the {product} got soaked.", -1),
    ),
    "quality": (
        _t("The {product} fell apart after {days} trips.", -1),
        _t(
            "Zipper on the {product} broke on day one. {detail}.",
            -1,
            "Expected better from Acme",
            "Feels cheaply made",
            "Sending it back",
        ),
        _t(
            "Stitching on my {product} came loose. {detail}.",
            -1,
            "The fabric is thinner than pictured",
            "Disappointing build",
        ),
        _t(
            "The {product} is built like a tank. {detail}.",
            1,
            "The seams are excellent",
            "Materials feel premium",
            "Survived a rough season",
        ),
        _t("Solid materials, the {product} held up on a {days}-day trek.", 1),
        _t("The {product} is decent but the buckles feel flimsy.", 0),
    ),
    "sizing": (
        _t("The {product} runs small, order a size up.", 0),
        _t(
            "The {product} is a full size too tight. {detail}.",
            -1,
            "Had to exchange it",
            "Size chart is off",
        ),
        _t(
            "The {product} fits true to size. {detail}.",
            1,
            "Comfortable all day",
            "Room for a base layer",
        ),
        _t("Ordered my usual size and the {product} is far too big.", -1),
        _t(
            "The {product} is a bit roomy, {detail}.", 0, "fine for layering", "go half a size down"
        ),
    ),
    "value": (
        _t(
            "Great value for the money, the {product} {detail}.",
            1,
            "beats brands twice the price",
            "was worth every cent",
        ),
        _t(
            "Overpriced for what you get. {detail}.",
            -1,
            "Found the same quality for less",
            "Not worth full price",
        ),
        _t("Waited for the sale and the {product} was worth it.", 1),
        _t("The {product} is nice but the price went up {days} dollars in a month.", -1),
        _t("Fair price for a {product} of this quality.", 0),
    ),
    "service": (
        _t("Support answered within {days} hours and fixed my problem with the {product}.", 1),
        _t(
            "Nobody answered my emails for {days} days. {detail}.",
            -1,
            "Terrible service",
            "Had to call three times",
        ),
        _t(
            "The return for my {product} was painless. {detail}.",
            1,
            "Refund within the week",
            "Friendly staff",
        ),
        _t("Customer service was polite but could not help with the {product}.", 0),
        _t("The chat agent was rude when I asked about the {product}.", -1),
    ),
    "website": (
        _t(
            "Checkout kept failing on the app. {detail}.",
            -1,
            "Took three tries",
            "Had to use a laptop",
        ),
        _t("The app crashed at payment {days} times before my {product} order went through.", -1),
        _t("Site search is useless, I could not find the {product} in my size.", -1),
        _t(
            "Could not apply my discount code. {detail}.",
            -1,
            "Support fixed it by hand",
            "Annoying",
        ),
        _t("The new app is quick and ordering the {product} took a minute.", 1),
    ),
    "praise": (
        _t(
            "Love my {product}! {detail}.",
            1,
            "Used it every weekend since",
            "Exactly as described",
            "My partner wants one too",
        ),
        _t("Best {product} I have owned.", 1),
        _t(
            "The {product} is perfect for {detail}.",
            1,
            "long day hikes",
            "car camping with the kids",
            "cold mornings",
            "alpine trips",
        ),
        _t("Second {product} from Acme, still impressed.", 1),
        _t(
            "Really happy with the {product}. {detail}.",
            1,
            "Light and comfortable",
            "Looks great",
            "Does exactly what it should",
        ),
        _t("The {product} is good, nothing special.", 0),
    ),
}

COMMENT_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "delivery": (
        _t("Delivery was {days} days late.", -1),
        _t("Shipping took forever, {detail}.", -1, "almost missed a birthday", "no updates at all"),
        _t("My order arrived damaged.", -1),
        _t("The courier lost my package.", -1),
        _t("Late delivery again, {detail}.", -1, "second time this year", "please fix this"),
    ),
    "quality": (
        _t("The {product} broke too soon.", -1),
        _t("Quality has gone down, {detail}.", -1, "cheaper fabrics", "weak zippers"),
        _t("Gear is well made and lasts.", 1),
        _t("Quality is fine for the price.", 0),
    ),
    "sizing": (
        _t("Sizes are inconsistent between products.", -1),
        _t("Had to exchange for a bigger size.", 0),
        _t("Size guide was spot on.", 1),
    ),
    "value": (
        _t("Good value, {detail}.", 1, "sales are generous", "fair prices"),
        _t("Prices are too high these days.", -1),
        _t("A bit pricey but worth it.", 0),
    ),
    "service": (
        _t("Support was quick and helpful.", 1),
        _t("Customer service took {days} days to reply.", -1),
        _t("Returns were easy.", 1),
        _t("Could not reach anyone by phone.", -1),
    ),
    "website": (
        _t("The app keeps logging me out.", -1),
        _t("Website is slow on my phone.", -1),
        _t("Checkout is {detail}.", 0, "fine but clunky", "confusing on mobile"),
        _t("Love the new app.", 1),
    ),
    "praise": (
        _t(
            "Great experience, {detail}.",
            1,
            "will order again",
            "recommended to friends",
            "very happy",
        ),
        _t("Everything was perfect.", 1),
        _t("Love Acme Outdoor!", 1),
        _t("Happy with my {product}.", 1),
        _t("All good.", 1),
        _t("Fine overall.", 0),
    ),
}

#: Sentences that may open a text (the empty ones make most texts start directly).
OPENERS = (
    "",
    "",
    "",
    "",
    "Second order from Acme. ",
    "Bought this as a gift. ",
    "Long-time customer. ",
)
#: Sentences that may close a text, by polarity −1, 0, +1.
CLOSERS = {
    -1: ("", "", " Disappointed.", " Not impressed.", " Will think twice next time."),
    0: ("", "", " It is okay.", " Mixed feelings."),
    1: ("", "", " Would buy again.", " Highly recommend!", " Thanks Acme!"),
}
