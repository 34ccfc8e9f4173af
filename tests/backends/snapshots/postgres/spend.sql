SELECT
  "t1"."period",
  "t1"."spend" AS "value"
FROM (
  SELECT
    DATE_TRUNC('MONTH', "t0"."date") AS "period",
    COALESCE(SUM("t0"."spend"), 0) AS "spend"
  FROM "ad_spend" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
