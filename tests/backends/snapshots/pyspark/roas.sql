SELECT
  `t7`.`period`,
  COALESCE(`t7`.`_op0`, 0) / NULLIF(COALESCE(`t7`.`_op1`, 0), 0) AS `value`,
  COALESCE(`t7`.`_op0`, 0) AS `numerator`,
  COALESCE(`t7`.`_op1`, 0) AS `denominator`
FROM (
  SELECT
    `t6`.`period`,
    MAX(`t6`.`_op0`) AS `_op0`,
    MAX(`t6`.`_op1`) AS `_op1`,
    BOOL_OR(`t6`.`_in0`) AS `_in0`,
    BOOL_OR(`t6`.`_in1`) AS `_in1`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t2`.`period`,
        `t2`.`revenue` AS `_op0`,
        CAST(NULL AS DOUBLE) AS `_op1`,
        TRUE AS `_in0`,
        FALSE AS `_in1`
      FROM (
        SELECT
          CAST(DATE_TRUNC('month', `t0`.`ordered_at`) AS DATE) AS `period`,
          COALESCE(SUM(`t0`.`revenue`), 0) AS `revenue`
        FROM `orders` AS `t0`
        GROUP BY
          1
      ) AS `t2`
    ) AS `t4`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t3`.`period`,
        CAST(NULL AS DOUBLE) AS `_op0`,
        `t3`.`spend` AS `_op1`,
        FALSE AS `_in0`,
        TRUE AS `_in1`
      FROM (
        SELECT
          DATE_TRUNC('month', `t1`.`date`) AS `period`,
          COALESCE(SUM(`t1`.`spend`), 0) AS `spend`
        FROM `ad_spend` AS `t1`
        GROUP BY
          1
      ) AS `t3`
    ) AS `t5`
  ) AS `t6`
  GROUP BY
    1
) AS `t7`
ORDER BY
  `t7`.`period` ASC NULLS LAST
