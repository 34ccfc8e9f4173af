WITH `t1` AS (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`ordered_at`) AS DATE) AS `period`,
    COALESCE(SUM(`t0`.`revenue`), 0) AS `revenue`
  FROM `orders` AS `t0`
  GROUP BY
    1
)
SELECT
  `t6`.`period`,
  (
    COALESCE(`t6`.`_op0`, 0) / NULLIF(`t6`.`_op1`, 0)
  ) - 1 AS `value`
FROM (
  SELECT
    `t5`.`period`,
    MAX(`t5`.`_op0`) AS `_op0`,
    MAX(`t5`.`_op1`) AS `_op1`,
    BOOL_OR(`t5`.`_in0`) AS `_in0`,
    BOOL_OR(`t5`.`_in1`) AS `_in1`
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
      FROM `t1` AS `t2`
    ) AS `t3`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        DATE_TRUNC('month', CAST(CAST(`t2`.`period` AS TIMESTAMP) + INTERVAL '12' MONTH AS DATE)) AS `period`,
        CAST(NULL AS DOUBLE) AS `_op0`,
        `t2`.`revenue` AS `_op1`,
        FALSE AS `_in0`,
        TRUE AS `_in1`
      FROM `t1` AS `t2`
    ) AS `t4`
  ) AS `t5`
  GROUP BY
    1
) AS `t6`
WHERE
  `t6`.`_in0`
ORDER BY
  `t6`.`period` ASC NULLS LAST
