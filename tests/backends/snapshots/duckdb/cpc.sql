SELECT
  "t1"."period",
  "t1"."spend" / NULLIF("t1"."clicks", 0) AS "value",
  "t1"."spend" AS "numerator",
  "t1"."clicks" AS "denominator"
FROM (
  SELECT
    DATE_TRUNC('MONTH', "t0"."date") AS "period",
    COALESCE(SUM("t0"."spend"), 0) AS "spend",
    COALESCE(SUM("t0"."clicks"), 0) AS "clicks"
  FROM "ad_spend" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
