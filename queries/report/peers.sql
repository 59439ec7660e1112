-- Report: the network peers of each function in $functions, baseline next to incident, from the flow records
-- of its attributed Lambda ENIs (the function_flows view, shared with the new-connections
-- analyzer): a named resource (RDS, ElastiCache, NAT, EC2, Lambda) by its identity from the ENI
-- snapshots, else its IP; with the service port, protocol and direction. A peer with incident
-- flows and none in the baseline is new. Per function, the first $limit peers, new ones first,
-- then by incident bytes; the function's totals on each of its rows. One query for every function
-- the report shows, so function_flows is read once.
-- Parameters: $functions (VARCHAR[]), $incident_start, $limit.
WITH named AS (
  SELECT *, start_time >= $incident_start::TIMESTAMPTZ AS inc
  FROM function_flows
  WHERE function_name IN (SELECT unnest($functions::VARCHAR[]))
),
per_ip AS (
  SELECT
    function_name,
    peer_address, service_port, protocol, direction,
    any_value(peer_kind) AS kind,
    any_value(peer_name) AS name,
    any_value(peer_identity) AS identity,
    count(*) FILTER (WHERE NOT inc) AS baseline_flows,
    coalesce(sum(bytes) FILTER (WHERE NOT inc), 0) AS baseline_bytes,
    count(*) FILTER (WHERE inc) AS incident_flows,
    coalesce(sum(bytes) FILTER (WHERE inc), 0) AS incident_bytes,
    count(*) FILTER (WHERE inc AND action = 'REJECT') AS incident_rejected,
    min(start_time) FILTER (WHERE inc) AS first_incident,
    bool_or(ambiguous) AS ambiguous
  FROM named
  GROUP BY function_name, peer_address, service_port, protocol, direction
),
g AS (
  SELECT
    function_name,
    identity, service_port, protocol, direction,
    any_value(kind) AS kind,
    any_value(name) AS name,
    (list(DISTINCT peer_address ORDER BY peer_address))[1:3] AS addresses,
    count(DISTINCT peer_address) AS address_count,
    sum(baseline_flows) AS baseline_flows,
    sum(baseline_bytes) AS baseline_bytes,
    sum(incident_flows) AS incident_flows,
    sum(incident_bytes) AS incident_bytes,
    sum(incident_rejected) AS incident_rejected,
    min(first_incident) AS first_incident,
    bool_or(ambiguous) AS ambiguous
  FROM per_ip
  GROUP BY function_name, identity, service_port, protocol, direction
),
ranked AS (
  SELECT
    *,
    baseline_flows = 0 AND incident_flows > 0 AS is_new,
    count(*) OVER fn AS total_peers,
    count(*) FILTER (WHERE baseline_flows = 0 AND incident_flows > 0) OVER fn AS total_new,
    sum(baseline_flows) OVER fn AS total_baseline_flows,
    sum(incident_flows) OVER fn AS total_incident_flows
  FROM g
  WINDOW fn AS (PARTITION BY function_name)
)
SELECT * EXCLUDE (pos)
FROM (
  SELECT *, row_number() OVER (PARTITION BY function_name
                               ORDER BY is_new DESC, incident_bytes DESC, baseline_bytes DESC, identity, service_port) AS pos
  FROM ranked
)
WHERE pos <= $limit
ORDER BY function_name, pos;
