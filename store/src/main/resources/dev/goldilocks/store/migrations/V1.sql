-- V1: the decision log: one row per routing decision, outcomes keyed by request id in their own tables
-- Portable SQL: the same statements run on DuckDB and PostgreSQL. Times are UTC instants.
-- V1.postgresql.sql adds PostgreSQL's index on decided_at (DuckDB's min/max zone maps serve time ranges).

CREATE TABLE decision (
    request_id             TEXT PRIMARY KEY,
    decided_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    traffic                TEXT NOT NULL,            -- client | probe | shadow
    unit_hash              TEXT,                     -- keyed hash of the experiment unit; never the raw id
    experiment             TEXT,
    arm                    TEXT,
    policy                 TEXT NOT NULL,
    policy_settings_hash   TEXT NOT NULL,
    domain                 TEXT NOT NULL,            -- the domain the request was routed for
    confidence             DOUBLE PRECISION NOT NULL,
    score_domains          TEXT[] NOT NULL,          -- the classifier's score per domain: parallel arrays,
    score_values           DOUBLE PRECISION[] NOT NULL, -- score_values[i] is the score of score_domains[i]
    action_models          TEXT[] NOT NULL,          -- the policy's action distribution: parallel arrays,
    action_probabilities   DOUBLE PRECISION[] NOT NULL, -- the probability of choosing action_models[i]
    chosen_model           TEXT NOT NULL,
    propensity             DOUBLE PRECISION NOT NULL, -- the probability of chosen_model
    served_model           TEXT,                     -- the model that answered; NULL when none did
    fallback               BOOLEAN NOT NULL,
    fallback_reason        TEXT,
    escalated              BOOLEAN NOT NULL,
    escalation_reason      TEXT,
    status                 TEXT NOT NULL,            -- the final gRPC status code: OK, UNAVAILABLE, ...
    total_seconds          DOUBLE PRECISION NOT NULL,
    first_token_seconds    DOUBLE PRECISION,
    queue_seconds          DOUBLE PRECISION,
    compute_seconds        DOUBLE PRECISION,
    prompt_tokens          INTEGER NOT NULL,
    completion_tokens      INTEGER NOT NULL,
    cost_usd               DOUBLE PRECISION NOT NULL,
    prompt_text            TEXT,                     -- NULL unless decision_log.log_text is true
    answer_text            TEXT
);

-- The store's primary key is what makes feedback count once across every gateway replica.
CREATE TABLE feedback (
    request_id             TEXT PRIMARY KEY,
    recorded_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    score                  DOUBLE PRECISION NOT NULL,
    label                  TEXT
);

CREATE TABLE shadow_judgement (
    request_id             TEXT PRIMARY KEY,         -- the client request that was shadowed
    judged_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    served_model           TEXT NOT NULL,
    alternative_model      TEXT NOT NULL,
    delta                  DOUBLE PRECISION NOT NULL, -- judge score of the served answer minus the alternative's
    verdict                TEXT NOT NULL             -- win | loss | tie, for the served model
);

CREATE TABLE probe_score (
    request_id             TEXT PRIMARY KEY,         -- the probe request
    scored_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    item_id                TEXT NOT NULL,
    metric                 TEXT NOT NULL,            -- the item's metric: exact_match, loglik_chrf
    score                  DOUBLE PRECISION NOT NULL, -- in [0, 1]
    reference_loglik_per_byte DOUBLE PRECISION
);
