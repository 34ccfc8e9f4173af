SELECT
  `t1`.`period`,
  `t1`.`engagements` AS `value`
FROM (
  SELECT
    DATE_TRUNC('month', `t0`.`date`) AS `period`,
    COALESCE(SUM(`t0`.`engagements`), 0) AS `engagements`
  FROM `social` AS `t0`
  GROUP BY
    1
) AS `t1`
ORDER BY
  `t1`.`period` ASC NULLS LAST
