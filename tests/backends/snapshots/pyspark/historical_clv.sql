WITH `t3` AS (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`ordered_at`) AS DATE) AS `period`,
    COALESCE(SUM(`t0`.`gross_margin`), 0) AS `gross_margin`
  FROM `orders` AS `t0`
  GROUP BY
    1
), `t14` AS (
  SELECT
    *
  FROM (
    SELECT
      `t7`.`period`,
      0 AS `_value`,
      `t7`.`_rows`,
      CAST(CAST(`t7`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS `_stop`
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
    ) AS `t7`
  ) AS `t12`
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
  ) AS `t10`
)
SELECT
  `t37`.`period`,
  `t37`.`_op0` / NULLIF(`t37`.`_op1`, 0) AS `value`
FROM (
  SELECT
    `t36`.`period`,
    MAX(`t36`.`_op0`) AS `_op0`,
    MAX(`t36`.`_op1`) AS `_op1`,
    BOOL_OR(`t36`.`_in0`) AS `_in0`,
    BOOL_OR(`t36`.`_in1`) AS `_in1`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t29`.`period`,
        `t29`.`value` AS `_op0`,
        CAST(NULL AS BIGINT) AS `_op1`,
        TRUE AS `_in0`,
        FALSE AS `_in1`
      FROM (
        SELECT
          `t27`.`period`,
          SUM(`t27`.`_value`) AS `value`,
          SUM(`t27`.`_rows`) AS `_rows`
        FROM (
          SELECT
            `t23`.`period`,
            `t15`.`_value`,
            `t15`.`_rows`
          FROM (
            SELECT
              CAST(`t17`.`_moment` AS DATE) AS `period`
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
                          CAST(`t8`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                        ) - CAST(`t8`.`first` AS TIMESTAMP)
                      )
                    ),
                    IF(
                      ELEMENT_AT(
                        SEQUENCE(
                          CAST(`t8`.`first` AS TIMESTAMP),
                          CAST(CAST(`t8`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                          INTERVAL '1' MONTH
                        ),
                        SIZE(
                          SEQUENCE(
                            CAST(`t8`.`first` AS TIMESTAMP),
                            CAST(CAST(`t8`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                            INTERVAL '1' MONTH
                          )
                        )
                      ) = (
                        CAST(`t8`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                      ),
                      SLICE(
                        SEQUENCE(
                          CAST(`t8`.`first` AS TIMESTAMP),
                          CAST(CAST(`t8`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                          INTERVAL '1' MONTH
                        ),
                        1,
                        SIZE(
                          SEQUENCE(
                            CAST(`t8`.`first` AS TIMESTAMP),
                            CAST(CAST(`t8`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                            INTERVAL '1' MONTH
                          )
                        ) - 1
                      ),
                      SEQUENCE(
                        CAST(`t8`.`first` AS TIMESTAMP),
                        CAST(CAST(`t8`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                        INTERVAL '1' MONTH
                      )
                    ),
                    ARRAY()
                  )
                ) AS `_moment`
              FROM (
                SELECT
                  MIN(`t5`.`_period`) AS `first`,
                  MAX(`t5`.`_period`) AS `last`
                FROM (
                  SELECT
                    `t4`.`period` AS `_period`
                  FROM `t3` AS `t4`
                ) AS `t5`
              ) AS `t8`
            ) AS `t17`
          ) AS `t23`
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
                  `t4`.`period`,
                  `t4`.`gross_margin` AS `_value`,
                  1 AS `_rows`
                FROM `t3` AS `t4`
              ) AS `t6`
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  CAST(CAST(`t4`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS `period`,
                  -(
                    `t4`.`gross_margin`
                  ) AS `_value`,
                  -(
                    1
                  ) AS `_rows`
                FROM `t3` AS `t4`
              ) AS `t9`
            ) AS `t11`
            GROUP BY
              1
          ) AS `t15`
            ON `t15`.`period` <= `t23`.`period`
        ) AS `t27`
        GROUP BY
          1
      ) AS `t29`
      WHERE
        `t29`.`_rows` > 0
    ) AS `t31`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t34`.`period`,
        CAST(NULL AS DOUBLE) AS `_op0`,
        `t34`.`value` AS `_op1`,
        FALSE AS `_in0`,
        TRUE AS `_in1`
      FROM (
        SELECT
          `t33`.`period`,
          SUM(`t33`.`_value`) AS `value`,
          SUM(`t33`.`_rows`) AS `_rows`
        FROM (
          SELECT
            `t32`.`period`,
            `t26`.`_value`,
            `t26`.`_rows`
          FROM (
            SELECT
              CAST(`t28`.`_moment` AS DATE) AS `period`
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
                          CAST(`t24`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                        ) - CAST(`t24`.`first` AS TIMESTAMP)
                      )
                    ),
                    IF(
                      ELEMENT_AT(
                        SEQUENCE(
                          CAST(`t24`.`first` AS TIMESTAMP),
                          CAST(CAST(`t24`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                          INTERVAL '1' MONTH
                        ),
                        SIZE(
                          SEQUENCE(
                            CAST(`t24`.`first` AS TIMESTAMP),
                            CAST(CAST(`t24`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                            INTERVAL '1' MONTH
                          )
                        )
                      ) = (
                        CAST(`t24`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                      ),
                      SLICE(
                        SEQUENCE(
                          CAST(`t24`.`first` AS TIMESTAMP),
                          CAST(CAST(`t24`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                          INTERVAL '1' MONTH
                        ),
                        1,
                        SIZE(
                          SEQUENCE(
                            CAST(`t24`.`first` AS TIMESTAMP),
                            CAST(CAST(`t24`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                            INTERVAL '1' MONTH
                          )
                        ) - 1
                      ),
                      SEQUENCE(
                        CAST(`t24`.`first` AS TIMESTAMP),
                        CAST(CAST(`t24`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                        INTERVAL '1' MONTH
                      )
                    ),
                    ARRAY()
                  )
                ) AS `_moment`
              FROM (
                SELECT
                  MIN(`t18`.`_period`) AS `first`,
                  MAX(`t18`.`_period`) AS `last`
                FROM (
                  SELECT
                    `t16`.`period` AS `_period`
                  FROM `t14` AS `t16`
                ) AS `t18`
              ) AS `t24`
            ) AS `t28`
          ) AS `t32`
          INNER JOIN (
            SELECT
              `t22`.`period`,
              SUM(`t22`.`_value`) AS `_value`,
              SUM(`t22`.`_rows`) AS `_rows`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  `t16`.`period`,
                  `t16`.`_value`,
                  `t16`.`_rows`
                FROM `t14` AS `t16`
              ) AS `t19`
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  `t16`.`_stop` AS `period`,
                  -(
                    `t16`.`_value`
                  ) AS `_value`,
                  -(
                    `t16`.`_rows`
                  ) AS `_rows`
                FROM `t14` AS `t16`
              ) AS `t20`
            ) AS `t22`
            GROUP BY
              1
          ) AS `t26`
            ON `t26`.`period` <= `t32`.`period`
        ) AS `t33`
        GROUP BY
          1
      ) AS `t34`
      WHERE
        `t34`.`_rows` > 0
    ) AS `t35`
  ) AS `t36`
  GROUP BY
    1
) AS `t37`
ORDER BY
  `t37`.`period` ASC NULLS LAST
