WITH "t6" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t2"."ordered_at") AS DATE) AS "period",
    COALESCE(SUM("t2"."gross_margin"), 0) AS "gross_margin"
  FROM "orders" AS "t2"
  GROUP BY
    1
), "t16" AS (
  SELECT
    "t5"."period",
    1 AS "_value",
    0 AS "_rows",
    LEAST(
      CAST(CAST("t5"."period" AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE),
      COALESCE(
        LEAD("t5"."period") OVER (
          PARTITION BY "t5"."_argument"
          ORDER BY "t5"."period" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ),
        CAST(CAST("t5"."period" AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE)
      )
    ) AS "_stop"
  FROM (
    SELECT DISTINCT
      CAST(DATE_TRUNC('MONTH', "t2"."ordered_at") AS DATE) AS "period",
      "t2"."customer_id" AS "_argument"
    FROM "orders" AS "t2"
    WHERE
      TRUE AND "t2"."customer_id" IS NOT NULL
  ) AS "t5"
)
SELECT
  "t45"."period",
  "t45"."_op0" / NULLIF("t45"."_op1", 0) AS "value"
FROM (
  SELECT
    "t44"."period",
    MAX("t44"."_op0") AS "_op0",
    MAX("t44"."_op1") AS "_op1",
    BOOL_OR(CAST("t44"."_in0" AS BOOLEAN)) AS "_in0",
    BOOL_OR(CAST("t44"."_in1" AS BOOLEAN)) AS "_in1"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t42"."period",
        "t42"."_op0" / NULLIF("t42"."_op1", 0) AS "_op0",
        CAST(NULL AS DOUBLE) AS "_op1",
        TRUE AS "_in0",
        FALSE AS "_in1"
      FROM (
        SELECT
          "t41"."period",
          MAX("t41"."_op0") AS "_op0",
          MAX("t41"."_op1") AS "_op1",
          BOOL_OR(CAST("t41"."_in0" AS BOOLEAN)) AS "_in0",
          BOOL_OR(CAST("t41"."_in1" AS BOOLEAN)) AS "_in1"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t36"."period",
              "t36"."value" AS "_op0",
              CAST(NULL AS BIGINT) AS "_op1",
              TRUE AS "_in0",
              FALSE AS "_in1"
            FROM (
              SELECT
                "t33"."period",
                SUM("t33"."_value") AS "value",
                SUM("t33"."_rows") AS "_rows"
              FROM (
                SELECT
                  "t31"."period",
                  "t24"."_value",
                  "t24"."_rows"
                FROM (
                  SELECT
                    CAST("t26"."_moment" AS DATE) AS "period"
                  FROM (
                    SELECT
                      UNNEST(
                        RANGE(
                          CAST("t14"."first" AS TIMESTAMP),
                          CAST("t14"."last" AS TIMESTAMP) + INTERVAL '1' MONTH,
                          INTERVAL '1' MONTH
                        )
                      ) AS "_moment"
                    FROM (
                      SELECT
                        MIN("t11"."_period") AS "first",
                        MAX("t11"."_period") AS "last"
                      FROM (
                        SELECT
                          "t7"."period" AS "_period"
                        FROM "t6" AS "t7"
                      ) AS "t11"
                    ) AS "t14"
                  ) AS "t26"
                ) AS "t31"
                INNER JOIN (
                  SELECT
                    "t17"."period",
                    SUM("t17"."_value") AS "_value",
                    SUM("t17"."_rows") AS "_rows"
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        "t7"."period",
                        "t7"."gross_margin" AS "_value",
                        1 AS "_rows"
                      FROM "t6" AS "t7"
                    ) AS "t12"
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        CAST(CAST("t7"."period" AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS "period",
                        -(
                          "t7"."gross_margin"
                        ) AS "_value",
                        -(
                          1
                        ) AS "_rows"
                      FROM "t6" AS "t7"
                    ) AS "t15"
                  ) AS "t17"
                  GROUP BY
                    1
                ) AS "t24"
                  ON "t24"."period" <= "t31"."period"
              ) AS "t33"
              GROUP BY
                1
            ) AS "t36"
            WHERE
              "t36"."_rows" > 0
          ) AS "t37"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t39"."period",
              CAST(NULL AS DOUBLE) AS "_op0",
              "t39"."value" AS "_op1",
              FALSE AS "_in0",
              TRUE AS "_in1"
            FROM (
              SELECT
                "t38"."period",
                SUM("t38"."_value") AS "value",
                SUM("t38"."_rows") AS "_rows"
              FROM (
                SELECT
                  "t35"."period",
                  "t30"."_value",
                  "t30"."_rows"
                FROM (
                  SELECT
                    CAST("t32"."_moment" AS DATE) AS "period"
                  FROM (
                    SELECT
                      UNNEST(
                        RANGE(
                          CAST("t27"."first" AS TIMESTAMP),
                          CAST("t27"."last" AS TIMESTAMP) + INTERVAL '1' MONTH,
                          INTERVAL '1' MONTH
                        )
                      ) AS "_moment"
                    FROM (
                      SELECT
                        MIN("t19"."_period") AS "first",
                        MAX("t19"."_period") AS "last"
                      FROM (
                        SELECT
                          "t18"."period" AS "_period"
                        FROM "t16" AS "t18"
                      ) AS "t19"
                    ) AS "t27"
                  ) AS "t32"
                ) AS "t35"
                INNER JOIN (
                  SELECT
                    "t25"."period",
                    SUM("t25"."_value") AS "_value",
                    SUM("t25"."_rows") AS "_rows"
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        "t18"."period",
                        "t18"."_value",
                        "t18"."_value" AS "_rows"
                      FROM "t16" AS "t18"
                    ) AS "t20"
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        "t18"."_stop" AS "period",
                        -(
                          "t18"."_value"
                        ) AS "_value",
                        -(
                          "t18"."_value"
                        ) AS "_rows"
                      FROM "t16" AS "t18"
                    ) AS "t23"
                  ) AS "t25"
                  GROUP BY
                    1
                ) AS "t30"
                  ON "t30"."period" <= "t35"."period"
              ) AS "t38"
              GROUP BY
                1
            ) AS "t39"
            WHERE
              "t39"."_rows" > 0
          ) AS "t40"
        ) AS "t41"
        GROUP BY
          1
      ) AS "t42"
    ) AS "t43"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t13"."period",
        CAST(NULL AS DOUBLE) AS "_op0",
        COALESCE("t13"."_op0", 0) / NULLIF(COALESCE("t13"."_op1", 0), 0) AS "_op1",
        FALSE AS "_in0",
        TRUE AS "_in1"
      FROM (
        SELECT
          "t10"."period",
          MAX("t10"."_op0") AS "_op0",
          MAX("t10"."_op1") AS "_op1",
          BOOL_OR(CAST("t10"."_in0" AS BOOLEAN)) AS "_in0",
          BOOL_OR(CAST("t10"."_in1" AS BOOLEAN)) AS "_in1"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t3"."period",
              "t3"."spend" AS "_op0",
              CAST(NULL AS BIGINT) AS "_op1",
              TRUE AS "_in0",
              FALSE AS "_in1"
            FROM (
              SELECT
                DATE_TRUNC('MONTH', "t0"."date") AS "period",
                COALESCE(SUM("t0"."spend"), 0) AS "spend"
              FROM "ad_spend" AS "t0"
              GROUP BY
                1
            ) AS "t3"
          ) AS "t8"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t4"."period",
              CAST(NULL AS DOUBLE) AS "_op0",
              "t4"."new_customers" AS "_op1",
              FALSE AS "_in0",
              TRUE AS "_in1"
            FROM (
              SELECT
                CAST(DATE_TRUNC('MONTH', "t1"."acquired_at") AS DATE) AS "period",
                COALESCE(COUNT(*), 0) AS "new_customers"
              FROM "customers" AS "t1"
              GROUP BY
                1
            ) AS "t4"
          ) AS "t9"
        ) AS "t10"
        GROUP BY
          1
      ) AS "t13"
    ) AS "t22"
  ) AS "t44"
  GROUP BY
    1
) AS "t45"
ORDER BY
  "t45"."period" ASC
