SELECT
  "t1"."period",
  CAST("t1"."clicks" AS DOUBLE PRECISION) / NULLIF("t1"."impressions", 0) AS "value",
  "t1"."clicks" AS "numerator",
  "t1"."impressions" AS "denominator"
FROM (
  SELECT
    DATE_TRUNC('MONTH', "t0"."date") AS "period",
    COALESCE(SUM("t0"."clicks"), 0) AS "clicks",
    COALESCE(SUM("t0"."impressions"), 0) AS "impressions"
  FROM "ad_spend" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
