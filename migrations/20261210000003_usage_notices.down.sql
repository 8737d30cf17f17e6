-- Usage notices go; no more messages at 80 % and 100 %.
DROP TABLE usage_notices;
