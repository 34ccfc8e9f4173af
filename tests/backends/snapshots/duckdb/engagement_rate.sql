SELECT
  "t1"."period",
  CAST("t1"."engagements" AS DOUBLE) / NULLIF("t1"."social_impressions", 0) AS "value",
  "t1"."engagements" AS "numerator",
  "t1"."social_impressions" AS "denominator"
FROM (
  SELECT
    DATE_TRUNC('MONTH', "t0"."date") AS "period",
    COALESCE(SUM("t0"."engagements"), 0) AS "engagements",
    COALESCE(SUM("t0"."impressions"), 0) AS "social_impressions"
  FROM "social" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
