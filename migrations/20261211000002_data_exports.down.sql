DROP TABLE IF EXISTS data_exports;
