WITH `t1` AS (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`ordered_at`) AS DATE) AS `period`,
    COALESCE(SUM(`t0`.`gross_margin`), 0) AS `gross_margin`
  FROM `orders` AS `t0`
  GROUP BY
    1
)
SELECT
  `t14`.`period`,
  `t14`.`value`
FROM (
  SELECT
    `t13`.`period`,
    SUM(`t13`.`_value`) AS `value`,
    SUM(`t13`.`_rows`) AS `_rows`
  FROM (
    SELECT
      `t12`.`period`,
      `t9`.`_value`,
      `t9`.`_rows`
    FROM (
      SELECT
        CAST(`t10`.`_moment` AS DATE) AS `period`
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
                    CAST(`t5`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(`t5`.`first` AS TIMESTAMP)
                )
              ),
              IF(
                ELEMENT_AT(
                  SEQUENCE(
                    CAST(`t5`.`first` AS TIMESTAMP),
                    CAST(CAST(`t5`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                    INTERVAL '1' MONTH
                  ),
                  SIZE(
                    SEQUENCE(
                      CAST(`t5`.`first` AS TIMESTAMP),
                      CAST(CAST(`t5`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                      INTERVAL '1' MONTH
                    )
                  )
                ) = (
                  CAST(`t5`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                ),
                SLICE(
                  SEQUENCE(
                    CAST(`t5`.`first` AS TIMESTAMP),
                    CAST(CAST(`t5`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                    INTERVAL '1' MONTH
                  ),
                  1,
                  SIZE(
                    SEQUENCE(
                      CAST(`t5`.`first` AS TIMESTAMP),
                      CAST(CAST(`t5`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                      INTERVAL '1' MONTH
                    )
                  ) - 1
                ),
                SEQUENCE(
                  CAST(`t5`.`first` AS TIMESTAMP),
                  CAST(CAST(`t5`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                  INTERVAL '1' MONTH
                )
              ),
              ARRAY()
            )
          ) AS `_moment`
        FROM (
          SELECT
            MIN(`t3`.`_period`) AS `first`,
            MAX(`t3`.`_period`) AS `last`
          FROM (
            SELECT
              `t2`.`period` AS `_period`
            FROM `t1` AS `t2`
          ) AS `t3`
        ) AS `t5`
      ) AS `t10`
    ) AS `t12`
    INNER JOIN (
      SELECT
        `t7`.`period`,
        SUM(`t7`.`_value`) AS `_value`,
        SUM(`t7`.`_rows`) AS `_rows`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t2`.`period`,
            `t2`.`gross_margin` AS `_value`,
            1 AS `_rows`
          FROM `t1` AS `t2`
        ) AS `t4`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            CAST(CAST(`t2`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS `period`,
            -(
              `t2`.`gross_margin`
            ) AS `_value`,
            -(
              1
            ) AS `_rows`
          FROM `t1` AS `t2`
        ) AS `t6`
      ) AS `t7`
      GROUP BY
        1
    ) AS `t9`
      ON `t9`.`period` <= `t12`.`period`
  ) AS `t13`
  GROUP BY
    1
) AS `t14`
WHERE
  `t14`.`_rows` > 0
ORDER BY
  `t14`.`period` ASC NULLS LAST
