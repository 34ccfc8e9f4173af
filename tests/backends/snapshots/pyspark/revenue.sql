SELECT
  `t1`.`period`,
  `t1`.`revenue` AS `value`
FROM (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`ordered_at`) AS DATE) AS `period`,
    COALESCE(SUM(`t0`.`revenue`), 0) AS `revenue`
  FROM `orders` AS `t0`
  GROUP BY
    1
) AS `t1`
ORDER BY
  `t1`.`period` ASC NULLS LAST
