SELECT
  "t1"."period",
  CAST("t1"."satisfied" AS DOUBLE PRECISION) / NULLIF("t1"."csat_responses", 0) AS "value",
  "t1"."satisfied" AS "numerator",
  "t1"."csat_responses" AS "denominator"
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."responded_at") AS DATE) AS "period",
    COALESCE(COUNT(*) FILTER(WHERE
      "t0"."csat" >= 4), 0) AS "satisfied",
    COALESCE(COUNT("t0"."csat"), 0) AS "csat_responses"
  FROM "surveys" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
