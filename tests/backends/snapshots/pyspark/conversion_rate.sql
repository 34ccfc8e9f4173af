SELECT
  `t1`.`period`,
  CAST(`t1`.`converted_sessions` AS DOUBLE) / NULLIF(`t1`.`sessions`, 0) AS `value`,
  `t1`.`converted_sessions` AS `numerator`,
  `t1`.`sessions` AS `denominator`
FROM (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`started_at`) AS DATE) AS `period`,
    COALESCE(SUM(CAST(`t0`.`converted` AS BIGINT)), 0) AS `converted_sessions`,
    COALESCE(COUNT(*), 0) AS `sessions`
  FROM `sessions` AS `t0`
  GROUP BY
    1
) AS `t1`
ORDER BY
  `t1`.`period` ASC NULLS LAST
