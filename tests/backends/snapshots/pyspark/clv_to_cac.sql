WITH `t7` AS (
  SELECT
    CAST(DATE_TRUNC('month', `t2`.`ordered_at`) AS DATE) AS `period`,
    COALESCE(SUM(`t2`.`gross_margin`), 0) AS `gross_margin`
  FROM `orders` AS `t2`
  GROUP BY
    1
), `t23` AS (
  SELECT
    *
  FROM (
    SELECT
      `t14`.`period`,
      0 AS `_value`,
      `t14`.`_rows`,
      CAST(CAST(`t14`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS `_stop`
    FROM (
      SELECT
        `t6`.`period`,
        SUM(CAST(`t6`.`_include` AND (
          `t6`.`_argument` IS NOT NULL
        ) AS BIGINT)) AS `_value`,
        COUNT(*) AS `_rows`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t2`.`ordered_at`) AS DATE) AS `period`,
          `t2`.`customer_id` AS `_argument`,
          TRUE AS `_include`
        FROM `orders` AS `t2`
      ) AS `t6`
      GROUP BY
        1
    ) AS `t14`
  ) AS `t20`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      `t5`.`period`,
      1 AS `_value`,
      0 AS `_rows`,
      LEAST(
        CAST(CAST(`t5`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE),
        COALESCE(
          LEAD(`t5`.`period`) OVER (PARTITION BY `t5`.`_argument` ORDER BY `t5`.`period` ASC NULLS LAST),
          CAST(CAST(`t5`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE)
        )
      ) AS `_stop`
    FROM (
      SELECT DISTINCT
        CAST(DATE_TRUNC('month', `t2`.`ordered_at`) AS DATE) AS `period`,
        `t2`.`customer_id` AS `_argument`
      FROM `orders` AS `t2`
      WHERE
        TRUE AND `t2`.`customer_id` IS NOT NULL
    ) AS `t5`
  ) AS `t18`
)
SELECT
  `t49`.`period`,
  `t49`.`_op0` / NULLIF(`t49`.`_op1`, 0) AS `value`
FROM (
  SELECT
    `t48`.`period`,
    MAX(`t48`.`_op0`) AS `_op0`,
    MAX(`t48`.`_op1`) AS `_op1`,
    BOOL_OR(`t48`.`_in0`) AS `_in0`,
    BOOL_OR(`t48`.`_in1`) AS `_in1`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t46`.`period`,
        `t46`.`_op0` / NULLIF(`t46`.`_op1`, 0) AS `_op0`,
        CAST(NULL AS DOUBLE) AS `_op1`,
        TRUE AS `_in0`,
        FALSE AS `_in1`
      FROM (
        SELECT
          `t45`.`period`,
          MAX(`t45`.`_op0`) AS `_op0`,
          MAX(`t45`.`_op1`) AS `_op1`,
          BOOL_OR(`t45`.`_in0`) AS `_in0`,
          BOOL_OR(`t45`.`_in1`) AS `_in1`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t38`.`period`,
              `t38`.`value` AS `_op0`,
              CAST(NULL AS BIGINT) AS `_op1`,
              TRUE AS `_in0`,
              FALSE AS `_in1`
            FROM (
              SELECT
                `t36`.`period`,
                SUM(`t36`.`_value`) AS `value`,
                SUM(`t36`.`_rows`) AS `_rows`
              FROM (
                SELECT
                  `t32`.`period`,
                  `t24`.`_value`,
                  `t24`.`_rows`
                FROM (
                  SELECT
                    CAST(`t26`.`_moment` AS DATE) AS `period`
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
                                CAST(`t16`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                              ) - CAST(`t16`.`first` AS TIMESTAMP)
                            )
                          ),
                          IF(
                            ELEMENT_AT(
                              SEQUENCE(
                                CAST(`t16`.`first` AS TIMESTAMP),
                                CAST(CAST(`t16`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                INTERVAL '1' MONTH
                              ),
                              SIZE(
                                SEQUENCE(
                                  CAST(`t16`.`first` AS TIMESTAMP),
                                  CAST(CAST(`t16`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                  INTERVAL '1' MONTH
                                )
                              )
                            ) = (
                              CAST(`t16`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                            ),
                            SLICE(
                              SEQUENCE(
                                CAST(`t16`.`first` AS TIMESTAMP),
                                CAST(CAST(`t16`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                INTERVAL '1' MONTH
                              ),
                              1,
                              SIZE(
                                SEQUENCE(
                                  CAST(`t16`.`first` AS TIMESTAMP),
                                  CAST(CAST(`t16`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                  INTERVAL '1' MONTH
                                )
                              ) - 1
                            ),
                            SEQUENCE(
                              CAST(`t16`.`first` AS TIMESTAMP),
                              CAST(CAST(`t16`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                              INTERVAL '1' MONTH
                            )
                          ),
                          ARRAY()
                        )
                      ) AS `_moment`
                    FROM (
                      SELECT
                        MIN(`t12`.`_period`) AS `first`,
                        MAX(`t12`.`_period`) AS `last`
                      FROM (
                        SELECT
                          `t8`.`period` AS `_period`
                        FROM `t7` AS `t8`
                      ) AS `t12`
                    ) AS `t16`
                  ) AS `t26`
                ) AS `t32`
                INNER JOIN (
                  SELECT
                    `t19`.`period`,
                    SUM(`t19`.`_value`) AS `_value`,
                    SUM(`t19`.`_rows`) AS `_rows`
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        `t8`.`period`,
                        `t8`.`gross_margin` AS `_value`,
                        1 AS `_rows`
                      FROM `t7` AS `t8`
                    ) AS `t13`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        CAST(CAST(`t8`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE) AS `period`,
                        -(
                          `t8`.`gross_margin`
                        ) AS `_value`,
                        -(
                          1
                        ) AS `_rows`
                      FROM `t7` AS `t8`
                    ) AS `t17`
                  ) AS `t19`
                  GROUP BY
                    1
                ) AS `t24`
                  ON `t24`.`period` <= `t32`.`period`
              ) AS `t36`
              GROUP BY
                1
            ) AS `t38`
            WHERE
              `t38`.`_rows` > 0
          ) AS `t40`
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              `t43`.`period`,
              CAST(NULL AS DOUBLE) AS `_op0`,
              `t43`.`value` AS `_op1`,
              FALSE AS `_in0`,
              TRUE AS `_in1`
            FROM (
              SELECT
                `t42`.`period`,
                SUM(`t42`.`_value`) AS `value`,
                SUM(`t42`.`_rows`) AS `_rows`
              FROM (
                SELECT
                  `t41`.`period`,
                  `t35`.`_value`,
                  `t35`.`_rows`
                FROM (
                  SELECT
                    CAST(`t37`.`_moment` AS DATE) AS `period`
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
                                CAST(`t33`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                              ) - CAST(`t33`.`first` AS TIMESTAMP)
                            )
                          ),
                          IF(
                            ELEMENT_AT(
                              SEQUENCE(
                                CAST(`t33`.`first` AS TIMESTAMP),
                                CAST(CAST(`t33`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                INTERVAL '1' MONTH
                              ),
                              SIZE(
                                SEQUENCE(
                                  CAST(`t33`.`first` AS TIMESTAMP),
                                  CAST(CAST(`t33`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                  INTERVAL '1' MONTH
                                )
                              )
                            ) = (
                              CAST(`t33`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH
                            ),
                            SLICE(
                              SEQUENCE(
                                CAST(`t33`.`first` AS TIMESTAMP),
                                CAST(CAST(`t33`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                INTERVAL '1' MONTH
                              ),
                              1,
                              SIZE(
                                SEQUENCE(
                                  CAST(`t33`.`first` AS TIMESTAMP),
                                  CAST(CAST(`t33`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                                  INTERVAL '1' MONTH
                                )
                              ) - 1
                            ),
                            SEQUENCE(
                              CAST(`t33`.`first` AS TIMESTAMP),
                              CAST(CAST(`t33`.`last` AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                              INTERVAL '1' MONTH
                            )
                          ),
                          ARRAY()
                        )
                      ) AS `_moment`
                    FROM (
                      SELECT
                        MIN(`t27`.`_period`) AS `first`,
                        MAX(`t27`.`_period`) AS `last`
                      FROM (
                        SELECT
                          `t25`.`period` AS `_period`
                        FROM `t23` AS `t25`
                      ) AS `t27`
                    ) AS `t33`
                  ) AS `t37`
                ) AS `t41`
                INNER JOIN (
                  SELECT
                    `t31`.`period`,
                    SUM(`t31`.`_value`) AS `_value`,
                    SUM(`t31`.`_rows`) AS `_rows`
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        `t25`.`period`,
                        `t25`.`_value`,
                        `t25`.`_rows`
                      FROM `t23` AS `t25`
                    ) AS `t28`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        `t25`.`_stop` AS `period`,
                        -(
                          `t25`.`_value`
                        ) AS `_value`,
                        -(
                          `t25`.`_rows`
                        ) AS `_rows`
                      FROM `t23` AS `t25`
                    ) AS `t29`
                  ) AS `t31`
                  GROUP BY
                    1
                ) AS `t35`
                  ON `t35`.`period` <= `t41`.`period`
              ) AS `t42`
              GROUP BY
                1
            ) AS `t43`
            WHERE
              `t43`.`_rows` > 0
          ) AS `t44`
        ) AS `t45`
        GROUP BY
          1
      ) AS `t46`
    ) AS `t47`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t15`.`period`,
        CAST(NULL AS DOUBLE) AS `_op0`,
        COALESCE(`t15`.`_op0`, 0) / NULLIF(COALESCE(`t15`.`_op1`, 0), 0) AS `_op1`,
        FALSE AS `_in0`,
        TRUE AS `_in1`
      FROM (
        SELECT
          `t11`.`period`,
          MAX(`t11`.`_op0`) AS `_op0`,
          MAX(`t11`.`_op1`) AS `_op1`,
          BOOL_OR(`t11`.`_in0`) AS `_in0`,
          BOOL_OR(`t11`.`_in1`) AS `_in1`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t3`.`period`,
              `t3`.`spend` AS `_op0`,
              CAST(NULL AS BIGINT) AS `_op1`,
              TRUE AS `_in0`,
              FALSE AS `_in1`
            FROM (
              SELECT
                DATE_TRUNC('month', `t0`.`date`) AS `period`,
                COALESCE(SUM(`t0`.`spend`), 0) AS `spend`
              FROM `ad_spend` AS `t0`
              GROUP BY
                1
            ) AS `t3`
          ) AS `t9`
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              `t4`.`period`,
              CAST(NULL AS DOUBLE) AS `_op0`,
              `t4`.`new_customers` AS `_op1`,
              FALSE AS `_in0`,
              TRUE AS `_in1`
            FROM (
              SELECT
                CAST(DATE_TRUNC('month', `t1`.`acquired_at`) AS DATE) AS `period`,
                COALESCE(COUNT(*), 0) AS `new_customers`
              FROM `customers` AS `t1`
              GROUP BY
                1
            ) AS `t4`
          ) AS `t10`
        ) AS `t11`
        GROUP BY
          1
      ) AS `t15`
    ) AS `t22`
  ) AS `t48`
  GROUP BY
    1
) AS `t49`
ORDER BY
  `t49`.`period` ASC NULLS LAST
