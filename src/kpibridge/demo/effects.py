"""The effects planted in the demo company's data, as the single place that defines them.

Later capabilities (lead–lag evidence, anomaly detection, voice-of-customer themes) are
demonstrated, and tested, by finding these effects again. Every seed plants the same effects
with the same strength; only the noise around them changes. ``PLANTED_EFFECTS`` describes them
in Markdown for the demo workspace's README.
"""

from __future__ import annotations

import numpy as np

from kpibridge.demo.media import ADSTOCK_WEEKS, MEDIA_RESPONSES

# 1. Social engagement leads demand by two weeks.
#: Weeks between a change in social engagement and the demand it causes.
SOCIAL_LAG_WEEKS = 2
#: Relative demand lift per standard deviation of (log) weekly engagement, ``SOCIAL_LAG_WEEKS``
#: later. Demand at other lags does not depend on engagement.
SOCIAL_LIFT_PER_SD = 0.10
#: Autoregressive coefficient of log weekly engagement (its week-to-week persistence).
ENGAGEMENT_PERSISTENCE = 0.8
#: Standard deviation of the Gaussian part of the weekly engagement innovations.
ENGAGEMENT_NOISE_SD = 0.12
#: Weekly probability, and mean log size, of a campaign burst in engagement.
ENGAGEMENT_BURST_PROBABILITY = 0.15
ENGAGEMENT_BURST_MEAN = 0.25

# 2. Display spend has no effect on sales.
#: Elasticity of sessions, orders and revenue with respect to display spend: none at all.
DISPLAY_SALES_ELASTICITY = 0.0

# 3. Mobile conversion drops in one month.
MOBILE_DROP_MONTH = np.datetime64("2025-09", "M")
#: Mobile conversion in ``MOBILE_DROP_MONTH`` relative to normal; other devices unaffected.
MOBILE_DROP_FACTOR = 0.6

# 4. A one-day anomaly.
ANOMALY_DAY = np.datetime64("2025-06-17", "D")
#: Orders (and so revenue) on ``ANOMALY_DAY`` relative to a normal day.
ANOMALY_FACTOR = 3.0

# 5. A surge of delivery complaints.
DELIVERY_SURGE_START = np.datetime64("2025-10-01", "D")
DELIVERY_SURGE_END = np.datetime64("2025-12-31", "D")
#: Share of reviews about late, lost or damaged deliveries, normally and during the surge.
REVIEW_DELIVERY_SHARE = 0.05
REVIEW_DELIVERY_SHARE_SURGE = 0.30
#: The same for survey responses (a smaller rise: surveys ask about the whole experience).
SURVEY_DELIVERY_SHARE = 0.06
SURVEY_DELIVERY_SHARE_SURGE = 0.12


def _media_table() -> str:
    """The planted media response (effect 7) as a Markdown table."""
    rows = [
        "| channel | ROAS | adstock decay per week | mean carry-over (weeks) | saturation λ |",
        "|---|---|---|---|---|",
    ]
    for r in MEDIA_RESPONSES:
        rows.append(
            f"| {r.channel} | {r.roas:g} | {r.decay:g} | {r.carryover_weeks:.2f} | "
            + (f"{r.saturation:g} |" if r.roas else "— |")
        )
    return "\n".join(rows)


PLANTED_EFFECTS = f"""\
## Planted effects

The Acme Outdoor demo data is synthetic. These effects were put into it on purpose, with
the same strength for every seed; everything else is noise or ordinary seasonality.

1. **Social engagement leads revenue by {SOCIAL_LAG_WEEKS} weeks.** Weekly social
   engagement (`social.engagements` summed over platforms, weeks starting on Monday) follows
   its own autoregressive path (persistence {ENGAGEMENT_PERSISTENCE:g}) with campaign bursts.
   Demand — sessions from non-paid channels and every order not caused by paid media (effect
   7) — in week *t* is {SOCIAL_LIFT_PER_SD:.0%} higher for each standard deviation of log
   engagement in week *t−{SOCIAL_LAG_WEEKS}*, so weekly revenue rises roughly 8% per standard
   deviation (paid media brings about 16% of it);
   no other lag of engagement matters. Because engagement is persistent,
   raw correlations smear over many lags: difference or prewhiten both weekly series, then
   cross-correlate.
2. **Display spend does nothing.** `ad_spend` for `display` moves in its own random
   flights, but no sessions, orders or revenue depend on it (its sessions arrive at the
   same rate whatever is spent). Other paid channels' web sessions follow their clicks.
   A lead–lag analysis, or a marketing mix model, should find no effect, and must not cry
   wolf on it.
3. **Mobile conversion drops in {MOBILE_DROP_MONTH}.** Mobile sessions convert at about
   {MOBILE_DROP_FACTOR:.0%} of their normal rate during that month; desktop and tablet are
   unaffected.
4. **A one-day spike on {ANOMALY_DAY}.** Orders and revenue are about
   {ANOMALY_FACTOR:g}× a normal day (traffic from non-paid channels too); apart from Black Friday
   to Cyber Monday, no other day comes close.
5. **Delivery complaints surge in {DELIVERY_SURGE_START} .. {DELIVERY_SURGE_END}.** The
   share of reviews about late, lost or damaged deliveries rises from about
   {REVIEW_DELIVERY_SHARE:.0%} to {REVIEW_DELIVERY_SHARE_SURGE:.0%}, with low ratings;
   survey comments show a smaller rise ({SURVEY_DELIVERY_SHARE:.0%} to
   {SURVEY_DELIVERY_SHARE_SURGE:.0%}).
6. **The alignment round has two camps and common ground.** Beside the eight leaders'
   rankings, 48 staff react agree / disagree / pass to the candidates in `rounds/kpis-2027.yaml`
   (its `audience`). Marketing, brand and customer-voice staff lean towards brand and loyalty
   KPIs, sales and finance staff towards acquisition efficiency; both camps mostly agree with
   CLV:CAC and repeat purchase rate. Each person sees about 80% of the candidates, passes on
   some and sometimes votes against their camp.
7. **Paid media drives revenue with known returns, carry-over and saturation.** Weekly spend
   per channel (`ad_spend`, Monday weeks) is carried over with a normalised geometric adstock
   over {ADSTOCK_WEEKS} weeks, saturated with the logistic curve
   (1 − e^(−λu)) / (1 + e^(−λu)), u = adstocked spend / the channel's mean weekly spend, and
   scaled so that the channel's revenue over the three years is exactly ROAS × its spend
   (every seed and scale). That revenue arrives as extra orders, attributed to the channel, on
   the days of the week; together they are about 16% of revenue. Spend moves revenue in no
   other way (the orders of paid web sessions displace other orders of the day).

{_media_table()}

   Marketing mix models (`kpibridge mmm`) should recover these ROAS values within their
   intervals, and find display's interval to include 0.
"""
