-- Report: the network peers of one function, baseline next to incident, from the flow records
-- of its attributed Lambda ENIs. Peers are named and keyed as in
-- queries/analyzers/new-connections.sql: a named resource (RDS, ElastiCache, NAT, EC2, Lambda)
-- by its identity from the ENI snapshots, else its IP; with the service port, protocol and
-- direction. A peer with incident flows and none in the baseline is new. The first $limit peers,
-- new ones first, then by incident bytes; totals on every row.
-- Parameters: $function, $incident_start, $limit.
WITH att AS (
  SELECT eni_id, bool_or(ambiguous) AS ambiguous, list(DISTINCT private_ip) AS local_ips
  FROM eni_attribution
  WHERE function_name = $function
  GROUP BY eni_id
),
f AS (
  SELECT r.srcaddr, r.dstaddr, r.srcport, r.dstport, r.protocol, r.bytes, r.action, r.start_time, a.ambiguous,
    CASE
      WHEN r.flow_direction = 'egress' THEN true
      WHEN r.flow_direction = 'ingress' THEN false
      WHEN list_contains(a.local_ips, r.srcaddr) THEN true
      WHEN list_contains(a.local_ips, r.dstaddr) THEN false
      ELSE true
    END AS from_local
  FROM flow_records r
  JOIN att a ON r.interface_id = a.eni_id
  WHERE r.log_status IS DISTINCT FROM 'NODATA' AND r.log_status IS DISTINCT FROM 'SKIPDATA'
    AND r.srcaddr IS NOT NULL AND r.dstaddr IS NOT NULL AND r.start_time IS NOT NULL
),
c AS (
  SELECT *,
    CASE WHEN from_local THEN dstaddr ELSE srcaddr END AS peer_address,
    CASE WHEN from_local THEN dstport ELSE srcport END AS peer_side_port,
    CASE WHEN from_local THEN srcport ELSE dstport END AS local_port,
    start_time >= $incident_start::TIMESTAMPTZ AS inc
  FROM f
),
k AS (
  SELECT *,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN 'outbound' ELSE 'inbound' END AS direction,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN peer_side_port ELSE local_port END AS service_port
  FROM c
),
named AS (
  SELECT k.*, p.kind AS p_kind, p.name AS p_name, p.identity AS p_identity
  FROM k
  LEFT JOIN peers p
    ON p.address = k.peer_address
   AND (p.valid_from IS NULL OR k.start_time >= p.valid_from)
   AND (p.valid_to IS NULL OR k.start_time <= p.valid_to)
),
per_ip AS (
  SELECT
    peer_address, service_port, protocol, direction,
    coalesce(any_value(p_kind), CASE WHEN lf_is_private_ip(peer_address) THEN 'internal-unknown' ELSE 'external' END) AS kind,
    any_value(p_name) AS name,
    coalesce(any_value(p_identity), 'ip:' || peer_address) AS identity,
    count(*) FILTER (WHERE NOT inc) AS baseline_flows,
    coalesce(sum(bytes) FILTER (WHERE NOT inc), 0) AS baseline_bytes,
    count(*) FILTER (WHERE inc) AS incident_flows,
    coalesce(sum(bytes) FILTER (WHERE inc), 0) AS incident_bytes,
    count(*) FILTER (WHERE inc AND action = 'REJECT') AS incident_rejected,
    min(start_time) FILTER (WHERE inc) AS first_incident,
    bool_or(ambiguous) AS ambiguous
  FROM named
  GROUP BY peer_address, service_port, protocol, direction
),
g AS (
  SELECT
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
  GROUP BY identity, service_port, protocol, direction
)
SELECT
  *,
  baseline_flows = 0 AND incident_flows > 0 AS is_new,
  count(*) OVER () AS total_peers,
  count(*) FILTER (WHERE baseline_flows = 0 AND incident_flows > 0) OVER () AS total_new,
  sum(baseline_flows) OVER () AS total_baseline_flows,
  sum(incident_flows) OVER () AS total_incident_flows
FROM g
ORDER BY is_new DESC, incident_bytes DESC, baseline_bytes DESC, identity, service_port
LIMIT $limit;
