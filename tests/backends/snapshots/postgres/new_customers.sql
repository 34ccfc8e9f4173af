SELECT
  "t1"."period",
  "t1"."new_customers" AS "value"
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."acquired_at") AS DATE) AS "period",
    COALESCE(COUNT(*), 0) AS "new_customers"
  FROM "customers" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
