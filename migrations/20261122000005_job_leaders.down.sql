-- Reverts 20261122000005_job_leaders. Leadership itself lives in advisory locks, so nothing but the
-- record of it is lost.
DROP TABLE IF EXISTS job_leaders;
