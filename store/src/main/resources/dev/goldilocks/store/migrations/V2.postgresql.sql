-- V2 on PostgreSQL only: an experiment's results read its exposures by experiment
CREATE INDEX decision_experiment ON decision (experiment, decided_at);
