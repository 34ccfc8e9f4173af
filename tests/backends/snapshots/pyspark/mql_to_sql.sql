SELECT
  `t8`.`period`,
  `t8`.`numerator` / NULLIF(`t8`.`denominator`, 0) AS `value`,
  `t8`.`numerator`,
  `t8`.`denominator`
FROM (
  SELECT
    `t7`.`period`,
    SUM(IF(`t7`.`_converted`, 1, 0)) AS `numerator`,
    COUNT(*) AS `denominator`
  FROM (
    SELECT
      `t6`.`_event`,
      `t6`.`period`,
      BOOL_OR(`t6`.`_conversion_time` IS NOT NULL) AS `_converted`
    FROM (
      SELECT
        `t5`.`_event`,
        `t5`.`_entity`,
        `t5`.`_time`,
        `t5`.`period`,
        `t3`.`_conversion_entity`,
        `t3`.`_conversion_time`
      FROM (
        SELECT
          ROW_NUMBER() OVER (ORDER BY NULL) - 1 AS `_event`,
          `t1`.`lead_id` AS `_entity`,
          `t1`.`mql_at` AS `_time`,
          CAST(DATE_TRUNC('month', `t1`.`mql_at`) AS DATE) AS `period`
        FROM (
          SELECT
            *
          FROM `leads` AS `t0`
          WHERE
            `t0`.`mql_at` IS NOT NULL
        ) AS `t1`
      ) AS `t5`
      LEFT OUTER JOIN (
        SELECT
          `t0`.`lead_id` AS `_conversion_entity`,
          `t0`.`sql_at` AS `_conversion_time`
        FROM `leads` AS `t0`
        WHERE
          `t0`.`sql_at` IS NOT NULL
      ) AS `t3`
        ON `t5`.`_entity` = `t3`.`_conversion_entity`
        AND `t3`.`_conversion_time` >= `t5`.`_time`
        AND `t3`.`_conversion_time` <= (
          `t5`.`_time` + INTERVAL '30' DAY
        )
    ) AS `t6`
    GROUP BY
      1,
      2
  ) AS `t7`
  GROUP BY
    1
) AS `t8`
ORDER BY
  `t8`.`period` ASC NULLS LAST
