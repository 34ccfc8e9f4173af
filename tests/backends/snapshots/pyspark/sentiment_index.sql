SELECT
  `t1`.`period`,
  (
    100 * (
      `t1`.`positive_texts` - `t1`.`negative_texts`
    )
  ) / NULLIF(`t1`.`voice_texts`, 0) AS `value`
FROM (
  SELECT
    CAST(DATE_TRUNC('month', `t0`.`posted_at`) AS DATE) AS `period`,
    COALESCE(SUM(CAST(`t0`.`sentiment` >= 0.05 AS BIGINT)), 0) AS `positive_texts`,
    COALESCE(SUM(CAST(`t0`.`sentiment` <= -(
      0.05
    ) AS BIGINT)), 0) AS `negative_texts`,
    COALESCE(COUNT(*), 0) AS `voice_texts`
  FROM `voice_texts` AS `t0`
  GROUP BY
    1
) AS `t1`
ORDER BY
  `t1`.`period` ASC NULLS LAST
