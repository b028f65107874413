-- V2: experiments between routing policies: their definitions and life, and a judged sample of their answers
-- Portable SQL, as V1. Exposures are the decision rows whose experiment and arm are set (V1's columns).

-- One row per experiment; every replica reads this table to route alike.
CREATE TABLE experiment (
    name                   TEXT PRIMARY KEY,
    definition             TEXT NOT NULL,            -- the admin API's ExperimentDefinition as JSON
    state                  TEXT NOT NULL,            -- draft | running | paused | stopped
    version                BIGINT NOT NULL,          -- one more at every change, so replicas see what changed
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at             TIMESTAMP WITH TIME ZONE, -- the first start; results count exposures from here
    stopped_at             TIMESTAMP WITH TIME ZONE,
    shipped_arm            TEXT                      -- after a stop: the arm whose policy keeps routing the
                                                     -- experiment's units; NULL: the gateway's default policy
);

-- What happened to an experiment and why: created, started, paused, stopped, auto_stopped.
CREATE TABLE experiment_event (
    experiment             TEXT NOT NULL,
    happened_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    kind                   TEXT NOT NULL,
    detail                 TEXT NOT NULL
);

-- A sampled share of each experiment arm's answers, scored by a judge model (the same share in every arm).
CREATE TABLE judge_score (
    request_id             TEXT PRIMARY KEY,         -- the client request judged
    judged_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    judge_model            TEXT NOT NULL,
    score                  DOUBLE PRECISION NOT NULL -- in [0, 1]
);
