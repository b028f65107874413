-- V1 on PostgreSQL only: time windows (reports, evaluation, retention) read decisions by decided_at
CREATE INDEX decision_decided_at ON decision (decided_at);
