SELECT
  `t1`.`period`,
  `t1`.`leads` AS `value`
FROM (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`created_at`) AS DATE) AS `period`,
    COALESCE(COUNT(*), 0) AS `leads`
  FROM `leads` AS `t0`
  GROUP BY
    1
) AS `t1`
ORDER BY
  `t1`.`period` ASC NULLS LAST
