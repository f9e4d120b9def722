-- On PostgreSQL this creates Quartz's tables for the clustered job store. SQLite runs one node, whose Quartz keeps its
-- schedule in memory: nothing to create, but the number is taken so both providers count migrations alike.
SELECT 1;
