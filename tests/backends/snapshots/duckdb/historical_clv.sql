WITH "t2" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."ordered_at") AS DATE) AS "period",
    COALESCE(SUM("t0"."gross_margin"), 0) AS "gross_margin"
  FROM "orders" AS "t0"
  GROUP BY
    1
), "t8" AS (
  SELECT
    "t1"."period",
    1 AS "_value",
    0 AS "_rows",
    LEAST(
      CAST(CAST("t1"."period" AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE),
      COALESCE(
        LEAD("t1"."period") OVER (
          PARTITION BY "t1"."_argument"
          ORDER BY "t1"."period" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ),
        CAST(CAST("t1"."period" AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE)
      )
    ) AS "_stop"
  FROM (
    SELECT DISTINCT
      CAST(DATE_TRUNC('MONTH', "t0"."ordered_at") AS DATE) AS "period",
      "t0"."customer_id" AS "_argument"
    FROM "orders" AS "t0"
    WHERE
      TRUE AND "t0"."customer_id" IS NOT NULL
  ) AS "t1"
)
SELECT
  "t33"."period",
  "t33"."_op0" / NULLIF("t33"."_op1", 0) AS "value"
FROM (
  SELECT
    "t32"."period",
    MAX("t32"."_op0") AS "_op0",
    MAX("t32"."_op1") AS "_op1",
    BOOL_OR(CAST("t32"."_in0" AS BOOLEAN)) AS "_in0",
    BOOL_OR(CAST("t32"."_in1" AS BOOLEAN)) AS "_in1"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t27"."period",
        "t27"."value" AS "_op0",
        CAST(NULL AS BIGINT) AS "_op1",
        TRUE AS "_in0",
        FALSE AS "_in1"
      FROM (
        SELECT
          "t24"."period",
          SUM("t24"."_value") AS "value",
          SUM("t24"."_rows") AS "_rows"
        FROM (
          SELECT
            "t22"."period",
            "t15"."_value",
            "t15"."_rows"
          FROM (
            SELECT
              CAST("t17"."_moment" AS DATE) AS "period"
            FROM (
              SELECT
                UNNEST(
                  RANGE(
                    CAST("t6"."first" AS TIMESTAMP),
                    CAST("t6"."last" AS TIMESTAMP) + INTERVAL '1' MONTH,
                    INTERVAL '1' MONTH
                  )
                ) AS "_moment"
              FROM (
                SELECT
                  MIN("t4"."_period") AS "first",
                  MAX("t4"."_period") AS "last"
                FROM (
                  SELECT
                    "t3"."period" AS "_period"
                  FROM "t2" AS "t3"
                ) AS "t4"
              ) AS "t6"
            ) AS "t17"
          ) AS "t22"
          INNER JOIN (
            SELECT
              "t9"."period",
              SUM("t9"."_value") AS "_value",
              SUM("t9"."_rows") AS "_rows"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t3"."period",
                  "t3"."gross_margin" AS "_value",
                  1 AS "_rows"
                FROM "t2" AS "t3"
              ) AS "t5"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  CAST(CAST("t3"."period" AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS "period",
                  -(
                    "t3"."gross_margin"
                  ) AS "_value",
                  -(
                    1
                  ) AS "_rows"
                FROM "t2" AS "t3"
              ) AS "t7"
            ) AS "t9"
            GROUP BY
              1
          ) AS "t15"
            ON "t15"."period" <= "t22"."period"
        ) AS "t24"
        GROUP BY
          1
      ) AS "t27"
      WHERE
        "t27"."_rows" > 0
    ) AS "t28"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t30"."period",
        CAST(NULL AS DOUBLE) AS "_op0",
        "t30"."value" AS "_op1",
        FALSE AS "_in0",
        TRUE AS "_in1"
      FROM (
        SELECT
          "t29"."period",
          SUM("t29"."_value") AS "value",
          SUM("t29"."_rows") AS "_rows"
        FROM (
          SELECT
            "t26"."period",
            "t21"."_value",
            "t21"."_rows"
          FROM (
            SELECT
              CAST("t23"."_moment" AS DATE) AS "period"
            FROM (
              SELECT
                UNNEST(
                  RANGE(
                    CAST("t18"."first" AS TIMESTAMP),
                    CAST("t18"."last" AS TIMESTAMP) + INTERVAL '1' MONTH,
                    INTERVAL '1' MONTH
                  )
                ) AS "_moment"
              FROM (
                SELECT
                  MIN("t11"."_period") AS "first",
                  MAX("t11"."_period") AS "last"
                FROM (
                  SELECT
                    "t10"."period" AS "_period"
                  FROM "t8" AS "t10"
                ) AS "t11"
              ) AS "t18"
            ) AS "t23"
          ) AS "t26"
          INNER JOIN (
            SELECT
              "t16"."period",
              SUM("t16"."_value") AS "_value",
              SUM("t16"."_rows") AS "_rows"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t10"."period",
                  "t10"."_value",
                  "t10"."_value" AS "_rows"
                FROM "t8" AS "t10"
              ) AS "t12"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t10"."_stop" AS "period",
                  -(
                    "t10"."_value"
                  ) AS "_value",
                  -(
                    "t10"."_value"
                  ) AS "_rows"
                FROM "t8" AS "t10"
              ) AS "t14"
            ) AS "t16"
            GROUP BY
              1
          ) AS "t21"
            ON "t21"."period" <= "t26"."period"
        ) AS "t29"
        GROUP BY
          1
      ) AS "t30"
      WHERE
        "t30"."_rows" > 0
    ) AS "t31"
  ) AS "t32"
  GROUP BY
    1
) AS "t33"
ORDER BY
  "t33"."period" ASC
