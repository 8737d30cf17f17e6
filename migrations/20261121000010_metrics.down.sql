-- Reverts 20261121000010_metrics (partitions of points go with their parent).
DROP FUNCTION drop_expired_points_partitions(timestamptz);
DROP FUNCTION ensure_points_partition(smallint, date);
DROP TABLE usage_daily;
DROP TABLE rollups;
DROP TABLE points;
DROP TABLE series;
DROP TABLE metrics;
