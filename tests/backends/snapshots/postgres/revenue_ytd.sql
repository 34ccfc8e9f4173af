WITH "t1" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "t0"."ordered_at") AS DATE) AS "period",
    COALESCE(SUM("t0"."revenue"), 0) AS "revenue"
  FROM "orders" AS "t0"
  GROUP BY
    1
)
SELECT
  "t14"."period",
  "t14"."value"
FROM (
  SELECT
    "t13"."period",
    SUM("t13"."_value") AS "value",
    SUM("t13"."_rows") AS "_rows"
  FROM (
    SELECT
      "t12"."period",
      "t10"."_value",
      "t10"."_rows"
    FROM (
      SELECT
        DATE("t9"."_moment") AS "period"
      FROM (
        SELECT
          UNNEST(
            CASE
              WHEN NULLIF(INTERVAL '1 MONTH', MAKE_INTERVAL()) IS NOT NULL
              AND CASE
                WHEN INTERVAL '1 MONTH' = MAKE_INTERVAL()
                THEN 0
                WHEN INTERVAL '1 MONTH' < MAKE_INTERVAL()
                THEN -1
                WHEN INTERVAL '1 MONTH' > MAKE_INTERVAL()
                THEN 1
                ELSE NULL
              END = CASE
                WHEN (
                  (
                    CAST("t5"."last" AS TIMESTAMP) + INTERVAL '1 MONTH'
                  ) - CAST("t5"."first" AS TIMESTAMP)
                ) = MAKE_INTERVAL()
                THEN 0
                WHEN (
                  (
                    CAST("t5"."last" AS TIMESTAMP) + INTERVAL '1 MONTH'
                  ) - CAST("t5"."first" AS TIMESTAMP)
                ) < MAKE_INTERVAL()
                THEN -1
                WHEN (
                  (
                    CAST("t5"."last" AS TIMESTAMP) + INTERVAL '1 MONTH'
                  ) - CAST("t5"."first" AS TIMESTAMP)
                ) > MAKE_INTERVAL()
                THEN 1
                ELSE NULL
              END
              THEN ARRAY_REMOVE(
                ARRAY(SELECT
                  *
                FROM GENERATE_SERIES(
                  CAST("t5"."first" AS TIMESTAMP),
                  CAST("t5"."last" AS TIMESTAMP) + INTERVAL '1 MONTH',
                  INTERVAL '1 MONTH'
                )),
                CAST("t5"."last" AS TIMESTAMP) + INTERVAL '1 MONTH'
              )
              ELSE CAST(ARRAY[] AS TIMESTAMP[])
            END
          ) AS "_moment"
        FROM (
          SELECT
            MIN("t3"."_period") AS "first",
            MAX("t3"."_period") AS "last"
          FROM (
            SELECT
              "t2"."period" AS "_period"
            FROM "t1" AS "t2"
          ) AS "t3"
        ) AS "t5"
      ) AS "t9"
    ) AS "t12"
    INNER JOIN (
      SELECT
        "t7"."period",
        SUM("t7"."_value") AS "_value",
        SUM("t7"."_rows") AS "_rows"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."period",
            "t2"."revenue" AS "_value",
            1 AS "_rows"
          FROM "t1" AS "t2"
        ) AS "t4"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            DATE(CAST(DATE_TRUNC('YEAR', "t2"."period") AS TIMESTAMP) + INTERVAL '12 MONTH') AS "period",
            -(
              "t2"."revenue"
            ) AS "_value",
            -(
              1
            ) AS "_rows"
          FROM "t1" AS "t2"
        ) AS "t6"
      ) AS "t7"
      GROUP BY
        1
    ) AS "t10"
      ON "t10"."period" <= "t12"."period"
  ) AS "t13"
  GROUP BY
    1
) AS "t14"
WHERE
  "t14"."_rows" > 0
ORDER BY
  "t14"."period" ASC
