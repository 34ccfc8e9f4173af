SELECT
  `t13`.`period`,
  `t13`.`_op0` / NULLIF(`t13`.`_op1`, 0) AS `value`
FROM (
  SELECT
    `t12`.`period`,
    MAX(`t12`.`_op0`) AS `_op0`,
    MAX(`t12`.`_op1`) AS `_op1`,
    BOOL_OR(`t12`.`_in0`) AS `_in0`,
    BOOL_OR(`t12`.`_in1`) AS `_in1`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t3`.`period`,
        `t3`.`predicted_clv` / NULLIF(`t3`.`valued_customers`, 0) AS `_op0`,
        CAST(NULL AS DOUBLE) AS `_op1`,
        TRUE AS `_in0`,
        FALSE AS `_in1`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t0`.`acquired_at`) AS DATE) AS `period`,
          COALESCE(SUM(`t0`.`clv`), 0) AS `predicted_clv`,
          COALESCE(COUNT(*), 0) AS `valued_customers`
        FROM `customer_value` AS `t0`
        GROUP BY
          1
      ) AS `t3`
    ) AS `t9`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t10`.`period`,
        CAST(NULL AS DOUBLE) AS `_op0`,
        COALESCE(`t10`.`_op0`, 0) / NULLIF(COALESCE(`t10`.`_op1`, 0), 0) AS `_op1`,
        FALSE AS `_in0`,
        TRUE AS `_in1`
      FROM (
        SELECT
          `t8`.`period`,
          MAX(`t8`.`_op0`) AS `_op0`,
          MAX(`t8`.`_op1`) AS `_op1`,
          BOOL_OR(`t8`.`_in0`) AS `_in0`,
          BOOL_OR(`t8`.`_in1`) AS `_in1`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t4`.`period`,
              `t4`.`spend` AS `_op0`,
              CAST(NULL AS BIGINT) AS `_op1`,
              TRUE AS `_in0`,
              FALSE AS `_in1`
            FROM (
              SELECT
                DATE_TRUNC('month', `t1`.`date`) AS `period`,
                COALESCE(SUM(`t1`.`spend`), 0) AS `spend`
              FROM `ad_spend` AS `t1`
              GROUP BY
                1
            ) AS `t4`
          ) AS `t6`
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              `t5`.`period`,
              CAST(NULL AS DOUBLE) AS `_op0`,
              `t5`.`new_customers` AS `_op1`,
              FALSE AS `_in0`,
              TRUE AS `_in1`
            FROM (
              SELECT
                CAST(DATE_TRUNC('month', `t2`.`acquired_at`) AS DATE) AS `period`,
                COALESCE(COUNT(*), 0) AS `new_customers`
              FROM `customers` AS `t2`
              GROUP BY
                1
            ) AS `t5`
          ) AS `t7`
        ) AS `t8`
        GROUP BY
          1
      ) AS `t10`
    ) AS `t11`
  ) AS `t12`
  GROUP BY
    1
) AS `t13`
ORDER BY
  `t13`.`period` ASC NULLS LAST
