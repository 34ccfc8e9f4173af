WITH "t2" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."ordered_at") AS DATE) AS "period",
    COUNT(DISTINCT "t0"."customer_id") AS "buyers"
  FROM "orders" AS "t0"
  GROUP BY
    1
)
SELECT
  "t10"."period",
  (
    COALESCE("t10"."_op0", 0) - COALESCE("t10"."_op1", 0)
  ) / NULLIF("t10"."_op2", 0) AS "value"
FROM (
  SELECT
    "t9"."period",
    MAX("t9"."_op0") AS "_op0",
    MAX("t9"."_op1") AS "_op1",
    MAX("t9"."_op2") AS "_op2",
    BOOL_OR(CAST("t9"."_in0" AS BOOLEAN)) AS "_in0",
    BOOL_OR(CAST("t9"."_in1" AS BOOLEAN)) AS "_in1",
    BOOL_OR(CAST("t9"."_in2" AS BOOLEAN)) AS "_in2"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        CAST(CAST("t4"."period" AS TIMESTAMP) + INTERVAL '1' MONTH AS DATE) AS "period",
        CAST(NULL AS BIGINT) AS "_op0",
        CAST(NULL AS BIGINT) AS "_op1",
        "t4"."buyers" AS "_op2",
        FALSE AS "_in0",
        FALSE AS "_in1",
        TRUE AS "_in2"
      FROM "t2" AS "t4"
    ) AS "t8"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t4"."period",
          "t4"."buyers" AS "_op0",
          CAST(NULL AS BIGINT) AS "_op1",
          CAST(NULL AS BIGINT) AS "_op2",
          TRUE AS "_in0",
          FALSE AS "_in1",
          FALSE AS "_in2"
        FROM "t2" AS "t4"
      ) AS "t6"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t3"."period",
          CAST(NULL AS BIGINT) AS "_op0",
          "t3"."new_customers" AS "_op1",
          CAST(NULL AS BIGINT) AS "_op2",
          FALSE AS "_in0",
          TRUE AS "_in1",
          FALSE AS "_in2"
        FROM (
          SELECT
            CAST(DATE_TRUNC('MONTH', "t1"."acquired_at") AS DATE) AS "period",
            COALESCE(COUNT(*), 0) AS "new_customers"
          FROM "customers" AS "t1"
          GROUP BY
            1
        ) AS "t3"
      ) AS "t5"
    ) AS "t7"
  ) AS "t9"
  GROUP BY
    1
) AS "t10"
WHERE
  "t10"."_in0" OR "t10"."_in1"
ORDER BY
  "t10"."period" ASC
