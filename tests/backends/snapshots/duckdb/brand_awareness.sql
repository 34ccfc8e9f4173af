SELECT
  "t1"."period",
  CAST("t1"."aware" AS DOUBLE) / NULLIF("t1"."awareness_responses", 0) AS "value",
  "t1"."aware" AS "numerator",
  "t1"."awareness_responses" AS "denominator"
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."responded_at") AS DATE) AS "period",
    COALESCE(COUNT(*) FILTER(WHERE
      "t0"."aware_of_brand"), 0) AS "aware",
    COALESCE(COUNT("t0"."aware_of_brand"), 0) AS "awareness_responses"
  FROM "surveys" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
