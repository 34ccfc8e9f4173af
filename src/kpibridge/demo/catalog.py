"""The names the demo company uses: channels, campaigns, devices, regions, products.

Tables hold these as strings; the generators work with integer codes into these tuples, so
that a column of millions of rows is built with one ``take`` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Every channel a session, order, customer or lead can carry. The first six are the paid
#: channels that appear in ``ad_spend``.
CHANNELS = (
    "paid_search",
    "paid_social",
    "display",
    "email",
    "affiliate",
    "video",
    "organic_search",
    "direct",
    "referral",
    "organic_social",
    "app",
    "marketplace",
    "trade_show",
)
PAID_CHANNELS = CHANNELS[:6]
CHANNEL_CODE = {name: code for code, name in enumerate(CHANNELS)}


@dataclass(frozen=True)
class Campaign:
    """One paid campaign and the economics of its channel.

    Attributes:
        channel: the paid channel it belongs to.
        name: the campaign name as it appears in ``ad_spend`` and ``sessions``.
        daily_spend: mean spend per day at scale 1 (USD).
        cpc: mean cost per click (USD).
        ctr: mean click-through rate (clicks per impression).
        always_on: ``False`` for campaigns that run in flights with pauses.
    """

    channel: str
    name: str
    daily_spend: float
    cpc: float
    ctr: float
    always_on: bool = True


CAMPAIGNS = (
    Campaign("paid_search", "search_brand", 180.0, 0.9, 0.060),
    Campaign("paid_search", "search_generic", 420.0, 1.9, 0.030),
    Campaign("paid_search", "search_shopping", 300.0, 1.4, 0.012),
    Campaign("paid_social", "social_prospecting", 330.0, 1.3, 0.009),
    Campaign("paid_social", "social_retargeting", 150.0, 1.0, 0.014),
    Campaign("display", "display_prospecting", 200.0, 0.8, 0.0030, always_on=False),
    Campaign("display", "display_retargeting", 90.0, 0.7, 0.0050),
    Campaign("display", "display_brand", 130.0, 0.9, 0.0025, always_on=False),
    Campaign("email", "email_newsletter", 60.0, 0.5, 0.030),
    Campaign("email", "email_lifecycle", 45.0, 0.4, 0.045),
    Campaign("affiliate", "affiliate_coupons", 110.0, 1.1, 0.011),
    Campaign("affiliate", "affiliate_content", 90.0, 1.5, 0.008),
    Campaign("video", "video_youtube", 160.0, 2.4, 0.005, always_on=False),
    Campaign("video", "video_ctv", 120.0, 2.9, 0.003, always_on=False),
)
CAMPAIGN_NAMES = tuple(campaign.name for campaign in CAMPAIGNS)

DEVICES = ("desktop", "mobile", "tablet")
DESKTOP, MOBILE, TABLET = range(3)

REGIONS = ("northeast", "southeast", "midwest", "south_central", "mountain", "pacific")
REGION_WEIGHTS = (0.19, 0.18, 0.17, 0.14, 0.12, 0.20)

SEGMENTS = ("consumer", "enthusiast", "business")
CONSUMER, ENTHUSIAST, BUSINESS = range(3)

PLATFORMS = ("instagram", "tiktok", "facebook", "linkedin")


@dataclass(frozen=True)
class Product:
    """A product that reviews can be about; ``sized`` products can have fit problems."""

    name: str
    sized: bool


PRODUCTS = (
    Product("Ridgeline 45L Backpack", sized=False),
    Product("Summit Down Jacket", sized=True),
    Product("Trailhead Mid Boot", sized=True),
    Product("Basecamp 2-Person Tent", sized=False),
    Product("Alpine 20F Sleeping Bag", sized=False),
    Product("Cascade Rain Shell", sized=True),
    Product("Switchback Trail Shoe", sized=True),
    Product("Canyon Water Filter", sized=False),
    Product("Ember Camp Stove", sized=False),
    Product("Northwind Fleece", sized=True),
    Product("Granite Trekking Pole Set", sized=False),
    Product("Lakeside Camp Chair", sized=False),
    Product("Glacier Insulated Bottle", sized=False),
    Product("Timberline Merino Base Layer", sized=True),
    Product("Horizon Headlamp", sized=False),
    Product("Driftwood Hammock", sized=False),
)
PRODUCT_NAMES = tuple(product.name for product in PRODUCTS)
