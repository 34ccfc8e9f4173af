WITH `t6` AS (
  SELECT
    *
  FROM (
    SELECT
      `t3`.`period`,
      0 AS `_value`,
      `t3`.`_rows`,
      CAST(CAST(`t3`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS `_stop`
    FROM (
      SELECT
        `t2`.`period`,
        SUM(CAST(`t2`.`_include` AND (
          `t2`.`_argument` IS NOT NULL
        ) AS BIGINT)) AS `_value`,
        COUNT(*) AS `_rows`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t0`.`ordered_at`) AS DATE) AS `period`,
          `t0`.`customer_id` AS `_argument`,
          TRUE AS `_include`
        FROM `orders` AS `t0`
      ) AS `t2`
      GROUP BY
        1
    ) AS `t3`
  ) AS `t5`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      `t1`.`period`,
      1 AS `_value`,
      0 AS `_rows`,
      LEAST(
        CAST(CAST(`t1`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE),
        COALESCE(
          LEAD(`t1`.`period`) OVER (PARTITION BY `t1`.`_argument` ORDER BY `t1`.`period` ASC NULLS LAST),
          CAST(CAST(`t1`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE)
        )
      ) AS `_stop`
    FROM (
      SELECT DISTINCT
        CAST(DATE_TRUNC('month', `t0`.`ordered_at`) AS DATE) AS `period`,
        `t0`.`customer_id` AS `_argument`
      FROM `orders` AS `t0`
      WHERE
        TRUE AND `t0`.`customer_id` IS NOT NULL
    ) AS `t1`
  ) AS `t4`
)
SELECT
  `t19`.`period`,
  `t19`.`value`
FROM (
  SELECT
    `t18`.`period`,
    SUM(`t18`.`_value`) AS `value`,
    SUM(`t18`.`_rows`) AS `_rows`
  FROM (
    SELECT
      `t17`.`period`,
      `t14`.`_value`,
      `t14`.`_rows`
    FROM (
      SELECT
        CAST(`t15`.`_moment` AS DATE) AS `period`
      FROM (
        SELECT
          EXPLODE(
            IF(
              (
                INTERVAL '1' MONTH <> INTERVAL 0 month
              )
              AND (
                SIGN(INTERVAL '1' MONTH) = SIGN(
                  (
                    CAST(`t12`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(`t12`.`first` AS TIMESTAMP)
                )
              ),
              IF(
                ELEMENT_AT(
                  SEQUENCE(
                    CAST(`t12`.`first` AS TIMESTAMP),
                    CAST(CAST(`t12`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                    INTERVAL '1' MONTH
                  ),
                  SIZE(
                    SEQUENCE(
                      CAST(`t12`.`first` AS TIMESTAMP),
                      CAST(CAST(`t12`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                      INTERVAL '1' MONTH
                    )
                  )
                ) = (
                  CAST(`t12`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                ),
                SLICE(
                  SEQUENCE(
                    CAST(`t12`.`first` AS TIMESTAMP),
                    CAST(CAST(`t12`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                    INTERVAL '1' MONTH
                  ),
                  1,
                  SIZE(
                    SEQUENCE(
                      CAST(`t12`.`first` AS TIMESTAMP),
                      CAST(CAST(`t12`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                      INTERVAL '1' MONTH
                    )
                  ) - 1
                ),
                SEQUENCE(
                  CAST(`t12`.`first` AS TIMESTAMP),
                  CAST(CAST(`t12`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                  INTERVAL '1' MONTH
                )
              ),
              ARRAY()
            )
          ) AS `_moment`
        FROM (
          SELECT
            MIN(`t8`.`_period`) AS `first`,
            MAX(`t8`.`_period`) AS `last`
          FROM (
            SELECT
              `t7`.`period` AS `_period`
            FROM `t6` AS `t7`
          ) AS `t8`
        ) AS `t12`
      ) AS `t15`
    ) AS `t17`
    INNER JOIN (
      SELECT
        `t11`.`period`,
        SUM(`t11`.`_value`) AS `_value`,
        SUM(`t11`.`_rows`) AS `_rows`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t7`.`period`,
            `t7`.`_value`,
            `t7`.`_rows`
          FROM `t6` AS `t7`
        ) AS `t9`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            `t7`.`_stop` AS `period`,
            -(
              `t7`.`_value`
            ) AS `_value`,
            -(
              `t7`.`_rows`
            ) AS `_rows`
          FROM `t6` AS `t7`
        ) AS `t10`
      ) AS `t11`
      GROUP BY
        1
    ) AS `t14`
      ON `t14`.`period` <= `t17`.`period`
  ) AS `t18`
  GROUP BY
    1
) AS `t19`
WHERE
  `t19`.`_rows` > 0
ORDER BY
  `t19`.`period` ASC NULLS LAST
