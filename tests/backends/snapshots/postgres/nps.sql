SELECT
  "t1"."period",
  CAST((
    100 * (
      "t1"."promoters" - "t1"."detractors"
    )
  ) AS DOUBLE PRECISION) / NULLIF("t1"."nps_responses", 0) AS "value"
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."responded_at") AS DATE) AS "period",
    COALESCE(COUNT(*) FILTER(WHERE
      "t0"."nps" >= 9), 0) AS "promoters",
    COALESCE(COUNT(*) FILTER(WHERE
      "t0"."nps" <= 6), 0) AS "detractors",
    COALESCE(COUNT("t0"."nps"), 0) AS "nps_responses"
  FROM "surveys" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
