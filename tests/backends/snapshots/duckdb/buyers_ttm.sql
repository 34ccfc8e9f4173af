WITH "t2" AS (
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
  "t15"."period",
  "t15"."value"
FROM (
  SELECT
    "t14"."period",
    SUM("t14"."_value") AS "value",
    SUM("t14"."_rows") AS "_rows"
  FROM (
    SELECT
      "t13"."period",
      "t10"."_value",
      "t10"."_rows"
    FROM (
      SELECT
        CAST("t11"."_moment" AS DATE) AS "period"
      FROM (
        SELECT
          UNNEST(
            RANGE(
              CAST("t8"."first" AS TIMESTAMP),
              CAST("t8"."last" AS TIMESTAMP) + INTERVAL '1' MONTH,
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
        ) AS "t8"
      ) AS "t11"
    ) AS "t13"
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
            "t3"."period",
            "t3"."_value",
            "t3"."_value" AS "_rows"
          FROM "t2" AS "t3"
        ) AS "t5"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t3"."_stop" AS "period",
            -(
              "t3"."_value"
            ) AS "_value",
            -(
              "t3"."_value"
            ) AS "_rows"
          FROM "t2" AS "t3"
        ) AS "t6"
      ) AS "t7"
      GROUP BY
        1
    ) AS "t10"
      ON "t10"."period" <= "t13"."period"
  ) AS "t14"
  GROUP BY
    1
) AS "t15"
WHERE
  "t15"."_rows" > 0
ORDER BY
  "t15"."period" ASC
