-- One-off fixes of stored data that SQL alone cannot make (they need the rules' own code, such
-- as recomputing title keys when the rule changes), each recorded once done.
CREATE TABLE maintenance (
    name    TEXT        PRIMARY KEY,
    done_at {timestamp} NOT NULL
);
