-- new-connections: peers a function talked to in the incident window, seen through its Lambda
-- ENIs, that it never had in the baseline. A peer is keyed by its
-- identity (a named RDS / ElastiCache / EC2 / NAT resource keeps its identity across ENI and IP
-- changes) or else its IP, plus the service port, protocol and direction. Reads
-- function_flow_records (queries/model/30_flows.sql) and groups before naming the peers.
WITH ff AS (
  SELECT *, start_time >= $incident_start::TIMESTAMPTZ AS inc
  FROM function_flow_records
  WHERE $function IS NULL OR function_name = $function
),
per_peer AS (
  -- one row per function, ENI, address, service and named identity (a flow of an address that
  -- `peers` names at its time is grouped apart from one it does not); plain aggregates over the
  -- `inc` flag are faster here than FILTER clauses
  SELECT
    function_name, peer_address, service_port, protocol, direction, eni_id, named_identity,
    bool_or(ambiguous) AS ambiguous,
    any_value(named_kind) AS named_kind,
    any_value(peer_name) AS peer_name,
    min(CASE WHEN inc THEN start_time END) AS first_seen,
    sum(CASE WHEN inc THEN packets END) AS packets,
    sum(CASE WHEN inc THEN bytes END) AS bytes,
    -- the actions in the window: ACCEPT and REJECT (all AWS writes) as flags, and a list of the
    -- rare rows with any other value
    bool_or(inc AND action = 'ACCEPT') AS accepted,
    bool_or(inc AND action = 'REJECT') AS rejected,
    list(action) FILTER (WHERE inc AND action NOT IN ('ACCEPT', 'REJECT')) AS other_actions,
    bool_or(NOT inc) AS in_baseline,
    bool_or(inc) AS in_incident
  FROM ff
  GROUP BY function_name, peer_address, service_port, protocol, direction, eni_id, named_identity
),
g AS (
  -- the peer's kind and identity as function_flows gives them, decided once per address
  SELECT p.*,
         coalesce(p.named_kind, a.kind) AS peer_kind,
         coalesce(p.named_identity, 'ip:' || p.peer_address) AS identity
  FROM per_peer p
  JOIN (SELECT peer_address, lf_address_kind(peer_address) AS kind FROM (SELECT DISTINCT peer_address FROM per_peer)) a
    USING (peer_address)
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
    coalesce(list_distinct(g.other_actions), []))), ','), '') AS action,
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
