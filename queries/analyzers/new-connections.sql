-- new-connections: peers a function talked to in the incident window, seen through its Lambda
-- ENIs (the function_flows view), that it never had in the baseline. A peer is keyed by its
-- identity (a named RDS / ElastiCache / EC2 / NAT resource keeps its identity across ENI and IP
-- changes) or else its IP, plus the service port, protocol and direction.
WITH ff AS (
  SELECT * FROM function_flows WHERE $function IS NULL OR function_name = $function
),
g AS (
  SELECT
    function_name, peer_address, service_port, protocol, direction, eni_id,
    bool_or(ambiguous) AS ambiguous,
    any_value(peer_kind) AS peer_kind,
    any_value(peer_name) AS peer_name,
    any_value(peer_identity) AS identity,
    min(start_time) FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS first_seen,
    sum(packets) FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS packets,
    sum(bytes) FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS bytes,
    -- the distinct actions in the window, in order: ACCEPT and REJECT (all AWS writes) as flags, so
    -- that the DISTINCT aggregate only sees the rare rows with any other value
    bool_or(action = 'ACCEPT') FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS accepted,
    bool_or(action = 'REJECT') FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS rejected,
    string_agg(DISTINCT action, ',' ORDER BY action)
      FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ AND action NOT IN ('ACCEPT', 'REJECT')) AS other_actions,
    bool_or(start_time < $incident_start::TIMESTAMPTZ) AS in_baseline,
    bool_or(start_time >= $incident_start::TIMESTAMPTZ) AS in_incident
  FROM ff
  GROUP BY function_name, peer_address, service_port, protocol, direction, eni_id
),
baseline_identities AS (
  SELECT DISTINCT function_name, identity, service_port, protocol, direction FROM g WHERE in_baseline
),
nat_hops AS (
  -- v5 logs on a NAT gateway's ENI tie the hops together. The hop from the function to the NAT
  -- has dstaddr = the NAT's own IP and pkt-dstaddr = the real destination; the hop back has
  -- srcaddr = the NAT's IP and pkt-srcaddr = the remote host.
  SELECT DISTINCT r.pkt_srcaddr AS inner_ip, r.pkt_dstaddr AS outer_ip
  FROM flow_records r JOIN peers p ON p.eni_id = r.interface_id AND p.kind = 'nat'
  WHERE r.pkt_srcaddr IS NOT NULL AND r.pkt_dstaddr IS NOT NULL AND r.pkt_dstaddr <> r.dstaddr
  UNION
  SELECT DISTINCT r.pkt_dstaddr, r.pkt_srcaddr
  FROM flow_records r JOIN peers p ON p.eni_id = r.interface_id AND p.kind = 'nat'
  WHERE r.pkt_srcaddr IS NOT NULL AND r.pkt_dstaddr IS NOT NULL AND r.pkt_srcaddr <> r.srcaddr
)
SELECT
  g.function_name AS "function",
  g.peer_address,
  g.service_port AS peer_port,
  g.protocol,
  g.direction,
  g.peer_name,
  g.peer_kind,
  g.first_seen,
  g.packets,
  g.bytes,
  -- as string_agg(DISTINCT action ORDER BY action) would give it ('A' < 'R' and any other value)
  nullif(array_to_string(list_sort(list_concat(
    CASE WHEN g.accepted THEN ['ACCEPT'] ELSE [] END,
    CASE WHEN g.rejected THEN ['REJECT'] ELSE [] END,
    coalesce(string_split(g.other_actions, ','), []))), ','), '') AS action,
  g.eni_id,
  g.ambiguous,
  (g.peer_kind = 'external' AND EXISTS (
     SELECT 1 FROM nat_hops h JOIN eni_attribution a ON a.private_ip = h.inner_ip
     WHERE a.eni_id = g.eni_id AND h.outer_ip = g.peer_address)) AS via_nat
FROM g
WHERE g.in_incident
  AND NOT EXISTS (
    SELECT 1 FROM baseline_identities b
    WHERE b.function_name = g.function_name AND b.identity = g.identity
      AND b.service_port IS NOT DISTINCT FROM g.service_port AND b.protocol IS NOT DISTINCT FROM g.protocol
      AND b.direction = g.direction)
ORDER BY g.first_seen, "function", g.peer_address, g.service_port;
