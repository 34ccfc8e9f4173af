SELECT
  `t1`.`period`,
  CAST(`t1`.`brand_mentions` AS DOUBLE) / NULLIF(`t1`.`category_mentions`, 0) AS `value`,
  `t1`.`brand_mentions` AS `numerator`,
  `t1`.`category_mentions` AS `denominator`
FROM (
  SELECT
    DATE_TRUNC('month', `t0`.`date`) AS `period`,
    COALESCE(SUM(`t0`.`brand_mentions`), 0) AS `brand_mentions`,
    COALESCE(SUM(`t0`.`category_mentions`), 0) AS `category_mentions`
  FROM `social` AS `t0`
  GROUP BY
    1
) AS `t1`
ORDER BY
  `t1`.`period` ASC NULLS LAST
