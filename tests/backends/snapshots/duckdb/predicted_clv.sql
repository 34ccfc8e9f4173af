SELECT
  "t1"."period",
  "t1"."predicted_clv" / NULLIF("t1"."valued_customers", 0) AS "value",
  "t1"."predicted_clv" AS "numerator",
  "t1"."valued_customers" AS "denominator"
FROM (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."acquired_at") AS DATE) AS "period",
    COALESCE(SUM("t0"."clv"), 0) AS "predicted_clv",
    COALESCE(COUNT(*), 0) AS "valued_customers"
  FROM "customer_value" AS "t0"
  GROUP BY
    1
) AS "t1"
ORDER BY
  "t1"."period" ASC
